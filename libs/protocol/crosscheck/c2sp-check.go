// An independent check of Registry Bus's transparency formats, written by
// nobody here: Go's golang.org/x/mod/sumdb/note verifies the notary's Ed25519
// (0x01) note signatures, golang.org/x/mod/sumdb/tlog the RFC 6962 inclusion
// and consistency proofs, and the cosignature/v1 (0x04) lines are checked by
// the code below, written in Go from the text of c2sp.org/tlog-cosignature
// (Go's note package does not know type 0x04).
//
// Reads one JSON request on stdin, prints one JSON answer; exits 1 on a
// failed check. Build: GO111MODULE=off GOPATH=/usr/share/gocode go run (Debian's
// golang-golang-x-mod-dev), no network.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type request struct {
	Mode string `json:"mode"`
	// note: a signed note and the verifier keys (0x01 and 0x04) to check it with
	Note  string   `json:"note"`
	Vkeys []string `json:"vkeys"`
	// inclusion / consistency (hashes in hex)
	LeafIndex int64    `json:"leafIndex"`
	LeafHash  string   `json:"leafHash"`
	TreeSize  int64    `json:"treeSize"`
	Root      string   `json:"root"`
	OldSize   int64    `json:"oldSize"`
	OldRoot   string   `json:"oldRoot"`
	Proof     []string `json:"proof"`
}

type answer struct {
	OK         bool              `json:"ok"`
	Error      string            `json:"error,omitempty"`
	Signed     []string          `json:"signed,omitempty"`
	Cosigned   map[string]uint64 `json:"cosigned,omitempty"`
	Checkpoint []string          `json:"checkpoint,omitempty"`
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		finish(answer{Error: "bad request: " + err.Error()})
	}
	var ans answer
	var err error
	switch req.Mode {
	case "note":
		ans, err = checkNote(req)
	case "inclusion":
		err = checkInclusion(req)
	case "consistency":
		err = checkConsistency(req)
	default:
		err = fmt.Errorf("unknown mode %q", req.Mode)
	}
	if err != nil {
		ans.Error = err.Error()
	} else {
		ans.OK = true
	}
	finish(ans)
}

func finish(ans answer) {
	json.NewEncoder(os.Stdout).Encode(ans)
	if !ans.OK {
		os.Exit(1)
	}
}

func checkNote(req request) (answer, error) {
	var verifiers []note.Verifier
	var cosigners []cosigner
	for _, vkey := range req.Vkeys {
		c, ok, err := parseCosignerKey(vkey)
		if err != nil {
			return answer{}, err
		}
		if ok {
			cosigners = append(cosigners, c)
			continue
		}
		v, err := note.NewVerifier(vkey)
		if err != nil {
			return answer{}, fmt.Errorf("verifier key %q: %v", vkey, err)
		}
		verifiers = append(verifiers, v)
	}
	ans := answer{Cosigned: map[string]uint64{}}
	msg := []byte(req.Note)
	n, err := note.Open(msg, note.VerifierList(verifiers...))
	if err != nil {
		return answer{}, fmt.Errorf("sumdb/note: %v", err)
	}
	for _, sig := range n.Sigs {
		ans.Signed = append(ans.Signed, sig.Name)
	}
	// The checkpoint body per c2sp.org/tlog-checkpoint: origin, size, base64 root.
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return answer{}, errors.New("the note text is not a checkpoint")
	}
	if _, err := strconv.ParseUint(lines[1], 10, 63); err != nil || (lines[1] != "0" && strings.HasPrefix(lines[1], "0")) {
		return answer{}, fmt.Errorf("checkpoint size %q", lines[1])
	}
	if root, err := base64.StdEncoding.DecodeString(lines[2]); err != nil || len(root) != 32 {
		return answer{}, fmt.Errorf("checkpoint root %q", lines[2])
	}
	ans.Checkpoint = lines
	for _, c := range cosigners {
		t, err := c.verify(n)
		if err != nil {
			return answer{}, err
		}
		ans.Cosigned[c.name] = t
	}
	return ans, nil
}

// A cosignature/v1 key: <name>+<hex key ID>+base64(0x04 || 32-byte Ed25519 key).
type cosigner struct {
	name  string
	keyID []byte
	key   ed25519.PublicKey
}

func parseCosignerKey(vkey string) (cosigner, bool, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return cosigner{}, false, fmt.Errorf("verifier key %q", vkey)
	}
	material, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(material) == 0 {
		return cosigner{}, false, fmt.Errorf("verifier key %q: %v", vkey, err)
	}
	if material[0] != 0x04 {
		return cosigner{}, false, nil
	}
	if len(material) != 33 {
		return cosigner{}, false, fmt.Errorf("cosigner key %q is not 32 bytes", vkey)
	}
	id := keyID(parts[0], material)
	if hex.EncodeToString(id) != parts[1] {
		return cosigner{}, false, fmt.Errorf("cosigner key %q: key ID %s expected", vkey, hex.EncodeToString(id))
	}
	return cosigner{name: parts[0], keyID: id, key: ed25519.PublicKey(material[1:])}, true, nil
}

// SHA-256(<name> || "\n" || 0x04 || public key)[:4]
func keyID(name string, typeAndKey []byte) []byte {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte("\n"))
	h.Write(typeAndKey)
	return h.Sum(nil)[:4]
}

// Every signature line of this cosigner (name and key ID) must verify; at least one must be there.
func (c cosigner) verify(n *note.Note) (uint64, error) {
	var found []note.Signature
	found = append(found, n.Sigs...)
	found = append(found, n.UnverifiedSigs...)
	var last uint64
	seen := false
	for _, sig := range found {
		if sig.Name != c.name {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(sig.Base64)
		if err != nil || len(raw) != 4+8+64 || !bytes.Equal(raw[:4], c.keyID) {
			continue
		}
		t := binary.BigEndian.Uint64(raw[4:12])
		msg := fmt.Sprintf("cosignature/v1\ntime %d\n%s", t, n.Text)
		if !ed25519.Verify(c.key, []byte(msg), raw[12:]) {
			return 0, fmt.Errorf("cosignature of %s (time %d) does not verify", c.name, t)
		}
		last, seen = t, true
	}
	if !seen {
		return 0, fmt.Errorf("no cosignature of %s", c.name)
	}
	return last, nil
}

func hash(h string) (tlog.Hash, error) {
	var out tlog.Hash
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != len(out) {
		return out, fmt.Errorf("hash %q", h)
	}
	copy(out[:], b)
	return out, nil
}

func proof(p []string) ([]tlog.Hash, error) {
	var out []tlog.Hash
	for _, h := range p {
		x, err := hash(h)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

// The tree head and the proof of a request, decoded.
func treeAndProof(req request) (tlog.Hash, []tlog.Hash, error) {
	root, err := hash(req.Root)
	if err != nil {
		return root, nil, err
	}
	p, err := proof(req.Proof)
	return root, p, err
}

func checkInclusion(req request) error {
	leaf, err := hash(req.LeafHash)
	if err != nil {
		return err
	}
	root, p, err := treeAndProof(req)
	if err != nil {
		return err
	}
	return tlog.CheckRecord(tlog.RecordProof(p), req.TreeSize, root, req.LeafIndex, leaf)
}

func checkConsistency(req request) error {
	oldRoot, err := hash(req.OldRoot)
	if err != nil {
		return err
	}
	root, p, err := treeAndProof(req)
	if err != nil {
		return err
	}
	return tlog.CheckTree(tlog.TreeProof(p), req.TreeSize, root, req.OldSize, oldRoot)
}
