// kafkaretry's lab admin: Kafka's own Admin and consumer APIs, driven by JSON lines on stdin.
//
// Launched as a single-file source program (JEP 330):
//   java -cp '<kafka libs>/*' LabAdmin.java BROKER_BOOTSTRAP CONTROLLER_BOOTSTRAP
// Each stdin line is {"id": N, "op": ..., ...}; each answer is {"id": N, "ok": {...}} or
// {"id": N, "error": "..."}. A "watch" op starts a thread that writes unsolicited lines
// {"event": "leader"|"controller", "at_ms": ..., ...} whenever the partition's leader (as the
// brokers' metadata says, Admin.describeTopics) or the active controller (as the quorum says,
// Admin.describeMetadataQuorum through bootstrap.controllers, KIP-919) changes.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class LabAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Admin brokers;
    private static volatile Admin controllers;
    private static String brokerBootstrap;
    private static String controllerBootstrap;

    static synchronized void write(Map<String, Object> line) throws Exception {
        System.out.println(JSON.writeValueAsString(line));
        System.out.flush();
    }

    static Admin admin(String key, String bootstrap) {
        Properties p = new Properties();
        p.put(key, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "20");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "100");
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafkaretry-lab-admin");
        return Admin.create(p);
    }

    static Map<String, Object> quorum() throws Exception {
        return quorum(controllers);
    }

    static Map<String, Object> quorum(Admin admin) throws Exception {
        QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get(1, TimeUnit.SECONDS);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("leader", q.leaderId());
        out.put("epoch", q.leaderEpoch());
        List<Integer> voters = new ArrayList<>();
        q.voters().forEach(v -> voters.add(v.replicaId()));
        out.put("voters", voters);
        return out;
    }

    static Map<String, Object> describe(String topic) throws Exception {
        TopicDescription d = brokers.describeTopics(List.of(topic)).allTopicNames()
                .get(2, TimeUnit.SECONDS).get(topic);
        List<Map<String, Object>> parts = new ArrayList<>();
        for (TopicPartitionInfo p : d.partitions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("partition", p.partition());
            m.put("leader", p.leader() == null ? -1 : p.leader().id());
            m.put("replicas", p.replicas().stream().map(Node::id).toList());
            m.put("isr", p.isr().stream().map(Node::id).toList());
            parts.add(m);
        }
        return Map.of("partitions", parts);
    }

    static Map<String, Object> createTopic(JsonNode req) throws Exception {
        Map<Integer, List<Integer>> assignment = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : req.get("assignment").properties()) {
            List<Integer> replicas = new ArrayList<>();
            e.getValue().forEach(n -> replicas.add(n.asInt()));
            assignment.put(Integer.valueOf(e.getKey()), replicas);
        }
        Map<String, String> configs = new HashMap<>();
        req.get("configs").properties().forEach(e -> configs.put(e.getKey(), e.getValue().asText()));
        NewTopic topic = new NewTopic(req.get("topic").asText(), assignment).configs(configs);
        brokers.createTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
        return Map.of();
    }

    /** Every record of one partition from offset 0 (isolation.level=read_uncommitted). */
    static Map<String, Object> read(JsonNode req) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokerBootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafkaretry-lab-reader");
        List<Map<String, Object>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(req.get("topic").asText(), req.get("partition").asInt());
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
            long deadline = System.currentTimeMillis() + 10_000;
            while (c.position(tp, Duration.ofSeconds(10)) < end && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("offset", r.offset());
                    m.put("key_hex", r.key() == null ? null : HexFormat.of().formatHex(r.key()));
                    records.add(m);
                }
            }
            return Map.of("records", records, "end_offset", end);
        }
    }

    static void emitChange(String event, Map<String, Object> now) throws Exception {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", event);
        line.put("at_ms", System.currentTimeMillis());
        line.putAll(now);
        write(line);
    }

    /** Two threads, so that a dead active controller never delays seeing a new leader. */
    static void watch(String topic, int partition, long intervalMs, String controllerBootstrap) {
        Thread leaders = new Thread(() -> {
            Object leader = null;
            while (true) {
                try {
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> parts = (List<Map<String, Object>>) describe(topic).get("partitions");
                    Map<String, Object> p = parts.get(partition);
                    if (!p.get("leader").equals(leader)) {
                        leader = p.get("leader");
                        emitChange("leader", p);
                    }
                } catch (Exception e) {
                    // No broker answered this round.
                }
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "lab-watch-leader");
        Thread quorum = new Thread(() -> {
            Object controller = null;
            int failures = 0;
            while (true) {
                try {
                    // Through a broker, as kafka-metadata-quorum.sh --bootstrap-server asks:
                    // the broker forwards to whichever controller the quorum now follows.
                    Map<String, Object> q = quorum(brokers);
                    failures = 0;
                    if (!q.get("leader").equals(controller)) {
                        controller = q.get("leader");
                        emitChange("controller", q);
                    }
                } catch (Exception e) {
                    // The controllers are electing; a client that still asks the dead one
                    // is replaced after a few misses.
                    if (++failures % 3 == 0) {
                        controllers.close(Duration.ZERO);
                        controllers = admin(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, controllerBootstrap);
                    }
                }
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "lab-watch-quorum");
        for (Thread t : List.of(leaders, quorum)) {
            t.setDaemon(true);
            t.start();
        }
    }

    static Map<String, Object> handle(JsonNode req) throws Exception {
        return switch (req.get("op").asText()) {
            case "ping" -> Map.of();
            case "cluster" -> Map.of("brokers", brokers.describeCluster().nodes()
                    .get(2, TimeUnit.SECONDS).stream().map(Node::id).sorted().toList());
            case "quorum" -> quorum();
            case "create_topic" -> createTopic(req);
            case "describe_topic" -> describe(req.get("topic").asText());
            case "read" -> read(req);
            case "watch" -> {
                watch(req.get("topic").asText(), req.get("partition").asInt(), req.get("interval_ms").asLong(), controllerBootstrap);
                yield Map.of();
            }
            default -> throw new IllegalArgumentException("unknown op " + req.get("op").asText());
        };
    }

    public static void main(String[] args) throws Exception {
        brokerBootstrap = args[0];
        controllerBootstrap = args[1];
        brokers = admin(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        controllers = admin(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, args[1]);
        write(Map.of("id", 0, "ok", Map.of()));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String text;
        while ((text = in.readLine()) != null) {
            JsonNode req = JSON.readTree(text);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", req.get("id").asInt());
            try {
                answer.put("ok", handle(req));
            } catch (Exception e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                answer.put("error", cause.toString());
            }
            write(answer);
        }
        brokers.close(Duration.ofMillis(500));
        controllers.close(Duration.ofMillis(500));
    }
}
