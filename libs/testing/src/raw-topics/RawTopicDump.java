import java.io.BufferedWriter;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every (non-internal) topic of a Kafka cluster raw, with Apache
 * Kafka's own Java client: a check that does not share a line of code with
 * the kafkajs client the project publishes with.
 *
 * Usage: RawTopicDump --config <file|-> [--timeout-ms N] [key=value ...]
 *   --config -   reads client properties from stdin (the TypeScript side uses
 *                it, so no password lands in a file or in the process list).
 *
 * Output on stdout, one JSON object per line, ASCII only:
 *   {"type":"topic","topic":..,"partitions":N,"endOffsets":[..]}  per topic
 *   {"type":"record","topic":..,"partition":..,"offset":..,"timestamp":..,
 *    "timestampType":..,"key":b64|null,"value":b64|null,"headers":[[name,b64|null],..]}
 *   {"type":"done","topics":N,"records":N,"elapsedMs":N}
 * Exit codes: 0 read to the end, 2 authentication refused, 3 timed out,
 * 4 not authorized, 1 anything else, 64 bad usage. The last stderr line
 * starting "raw-topic-dump: " says why.
 */
public final class RawTopicDump {
  private static final int EXIT_FAILED = 1;
  private static final int EXIT_AUTHENTICATION = 2;
  private static final int EXIT_TIMEOUT = 3;
  private static final int EXIT_AUTHORIZATION = 4;
  private static final int EXIT_USAGE = 64;

  /** What the dump was doing, for the failure message: a client timeout names no call. */
  private static String stage = "starting";
  private static String servers = "?";
  private static long timeoutMs = 30_000;

  private static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final int exitCode;

    Failure(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  public static void main(String[] args) {
    long started = System.nanoTime();
    try (BufferedWriter out =
        new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII), 1 << 16)) {
      Properties client = new Properties();
      String config = null;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--config") && i + 1 < args.length) config = args[++i];
        else if (arg.equals("--timeout-ms") && i + 1 < args.length) timeoutMs = Long.parseLong(args[++i]);
        else if (arg.contains("=") && !arg.startsWith("-"))
          client.setProperty(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        else
          throw new Failure(EXIT_USAGE,
              "unknown argument '" + arg + "' (usage: --config <file|-> [--timeout-ms N] [key=value ...])");
      }
      if (config != null) client.putAll(loadProperties(config));
      if (client.getProperty("bootstrap.servers") == null)
        throw new Failure(EXIT_USAGE, "no bootstrap.servers given (--config <file|-> or bootstrap.servers=host:port)");
      servers = client.getProperty("bootstrap.servers");
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      int[] counts = dump(client, deadline, out);
      stage = "writing the dump";
      out.write("{\"type\":\"done\",\"topics\":" + counts[0] + ",\"records\":" + counts[1] + ",\"elapsedMs\":"
          + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + "}\n");
      out.flush();
    } catch (Failure failure) {
      fail(failure.exitCode, failure.getMessage());
    } catch (Throwable error) {
      Failure failure = classify(error);
      fail(failure.exitCode, failure.getMessage());
    }
    System.exit(0);
  }

  private static void fail(int exitCode, String message) {
    System.out.flush();
    System.err.println("raw-topic-dump: " + message.replace('\n', ' '));
    System.err.flush();
    System.exit(exitCode);
  }

  private static Properties loadProperties(String source) throws Exception {
    try (InputStream in = source.equals("-") ? System.in : new FileInputStream(source);
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      Properties properties = new Properties();
      properties.load(reader);
      return properties;
    }
  }

  /**
   * Names the failure from the innermost Kafka error: futures wrap it in
   * ExecutionException, the client sometimes in a plain KafkaException.
   */
  private static Failure classify(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof ExecutionException || cause.getClass() == KafkaException.class)
        && cause.getCause() != null
        && cause.getCause() != cause) cause = cause.getCause();
    String detail = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
        + " (while " + stage + " of " + servers + ")";
    if (cause instanceof Failure) return (Failure) cause;
    if (cause instanceof AuthenticationException)
      return new Failure(EXIT_AUTHENTICATION, "authentication failed: " + detail);
    if (cause instanceof AuthorizationException) return new Failure(EXIT_AUTHORIZATION, "not authorized: " + detail);
    if (cause instanceof org.apache.kafka.common.errors.TimeoutException
        || cause instanceof java.util.concurrent.TimeoutException)
      return new Failure(EXIT_TIMEOUT, "timed out after " + timeoutMs + " ms: " + detail);
    return new Failure(EXIT_FAILED, "failed: " + detail);
  }

  private static long remainingMs(long deadline) throws Failure {
    long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (remaining <= 0) throw new Failure(EXIT_TIMEOUT, "timed out while " + stage + " of " + servers);
    return remaining;
  }

  /** Returns {topics, records}. */
  private static int[] dump(Properties client, long deadline, BufferedWriter out) throws Exception {
    Properties adminProperties = new Properties();
    adminProperties.putAll(client);
    adminProperties.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "raw-topic-dump");
    adminProperties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
    adminProperties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(timeoutMs, 30_000)));

    Map<String, Integer> partitionsOf = new HashMap<>();
    TreeSet<String> topics;
    stage = "listing topics";
    try (Admin admin = Admin.create(adminProperties)) {
      topics = new TreeSet<>(admin.listTopics(new ListTopicsOptions().listInternal(false))
          .names()
          .get(remainingMs(deadline), TimeUnit.MILLISECONDS));
      stage = "describing topics";
      if (!topics.isEmpty()) {
        Map<String, TopicDescription> described =
            admin.describeTopics(topics).allTopicNames().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        for (TopicDescription description : described.values())
          partitionsOf.put(description.name(), description.partitions().size());
      }
    }

    Properties consumerProperties = new Properties();
    consumerProperties.putAll(client);
    consumerProperties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "raw-topic-dump");
    // No group: partitions are assigned by hand, nothing is committed, the cluster keeps no trace of the reader.
    consumerProperties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumerProperties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // read_uncommitted: every data record the log holds, aborted transactions included; the end is the high watermark.
    consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    consumerProperties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
    consumerProperties.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(timeoutMs, 30_000)));

    int records = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics)
        for (int partition = 0; partition < partitionsOf.getOrDefault(topic, 0); partition++)
          partitions.add(new TopicPartition(topic, partition));
      stage = "reading end offsets";
      // The end is fixed before reading: records produced while the dump runs are not part of it.
      Map<TopicPartition, Long> endOffsets =
          partitions.isEmpty() ? Map.of() : consumer.endOffsets(partitions, Duration.ofMillis(remainingMs(deadline)));
      for (String topic : topics) {
        StringBuilder line = new StringBuilder("{\"type\":\"topic\",\"topic\":");
        appendString(line, topic);
        int count = partitionsOf.getOrDefault(topic, 0);
        line.append(",\"partitions\":").append(count).append(",\"endOffsets\":[");
        for (int partition = 0; partition < count; partition++) {
          if (partition > 0) line.append(',');
          line.append(endOffsets.get(new TopicPartition(topic, partition)));
        }
        out.write(line.append("]}\n").toString());
      }

      stage = "seeking to the beginning";
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Set<TopicPartition> unfinished = new HashSet<>();
      for (TopicPartition partition : partitions)
        if (consumer.position(partition, Duration.ofMillis(remainingMs(deadline))) < endOffsets.get(partition))
          unfinished.add(partition);
      consumer.pause(finished(partitions, unfinished));

      stage = "reading records";
      while (!unfinished.isEmpty()) {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remaining <= 0) {
          StringBuilder where = new StringBuilder();
          List<TopicPartition> behind = new ArrayList<>(unfinished);
          behind.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
          for (TopicPartition partition : behind)
            where.append(where.length() == 0 ? "" : ", ").append(partition).append(" at ")
                .append(consumer.position(partition, Duration.ZERO)).append(" of ").append(endOffsets.get(partition));
          throw new Failure(EXIT_TIMEOUT,
              "timed out after " + timeoutMs + " ms with partitions not read to their end offsets: " + where);
        }
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(Math.min(remaining, 500)));
        for (ConsumerRecord<byte[], byte[]> record : batch) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          if (record.offset() >= endOffsets.get(partition)) continue;
          out.write(recordLine(record));
          records++;
        }
        List<TopicPartition> done = new ArrayList<>();
        for (TopicPartition partition : unfinished)
          // position() skips transaction markers too, which occupy offsets but are never returned as records.
          if (consumer.position(partition, Duration.ofMillis(remainingMs(deadline))) >= endOffsets.get(partition))
            done.add(partition);
        unfinished.removeAll(done);
        consumer.pause(done);
      }
      stage = "closing the clients";
    }
    return new int[] {topics.size(), records};
  }

  private static Collection<TopicPartition> finished(List<TopicPartition> all, Set<TopicPartition> unfinished) {
    List<TopicPartition> finished = new ArrayList<>(all);
    finished.removeAll(unfinished);
    return finished;
  }

  private static String recordLine(ConsumerRecord<byte[], byte[]> record) {
    StringBuilder line = new StringBuilder(256).append("{\"type\":\"record\",\"topic\":");
    appendString(line, record.topic());
    line.append(",\"partition\":").append(record.partition())
        .append(",\"offset\":").append(record.offset())
        .append(",\"timestamp\":").append(record.timestamp())
        .append(",\"timestampType\":");
    appendString(line, record.timestampType().name);
    line.append(",\"key\":");
    appendBytes(line, record.key());
    line.append(",\"value\":");
    appendBytes(line, record.value());
    line.append(",\"headers\":[");
    boolean first = true;
    for (Header header : record.headers()) {
      line.append(first ? "[" : ",[");
      first = false;
      appendString(line, header.key());
      line.append(',');
      appendBytes(line, header.value());
      line.append(']');
    }
    return line.append("]}\n").toString();
  }

  private static void appendBytes(StringBuilder line, byte[] bytes) {
    if (bytes == null) line.append("null");
    else line.append('"').append(Base64.getEncoder().encodeToString(bytes)).append('"');
  }

  /**
   * A JSON string (RFC 8259, section 7) in ASCII: everything outside printable
   * ASCII as a backslash-u escape, UTF-16 unit by unit (lone surrogates too).
   */
  static void appendString(StringBuilder line, String text) {
    line.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') line.append("\\\"");
      else if (c == '\\') line.append("\\\\");
      else if (c >= 0x20 && c < 0x7f) line.append(c);
      else line.append(String.format("\\u%04x", (int) c));
    }
    line.append('"');
  }
}
