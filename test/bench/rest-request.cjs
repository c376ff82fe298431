// The request of each REST call of `npm run bench -- e2e`, built in
// autocannon's worker thread (which can only `require` a file): a parcel of
// its own, carrying in its location when it was sent, so the benchmark can
// measure command → projection from the ledger afterwards. The same parcel
// shape as the in-process path's (e2e.bench.ts).
// Unique per worker thread (each loads this file once).
const run = Math.random().toString(36).slice(2, 10).toUpperCase();
let n = 0;

module.exports = (request) => {
  const id = `R-${run}-${++n}`;
  return {
    ...request,
    body: JSON.stringify({
      cadastralNumber: id,
      areaSquareMetres: '500.00',
      location: `sent ${Date.now()}`,
      landUse: 'agricultural',
      owners: [{ ownerId: `person:${id}`, share: '1' }],
      basis: { documentType: 'survey', reference: `S-${id}` },
    }),
  };
};
