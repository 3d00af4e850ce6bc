// kafkaretry's lab producer: the real Apache Kafka Java producer sending one scenario record.
//
// Launched as a single-file source program (JEP 330), with no build step:
//   java -cp '<kafka libs>/*' LabProducer.java BOOTSTRAP TOPIC KEY_TYPE KEY VALUE_BYTES [name=value ...]
// KEY is the key's text ("-" for a null key; hex for key type bytes); every name=value pair is
// a ProducerConfig setting. It writes one JSON object per line on stdout, each with "event" and
// "at_ms" (System.currentTimeMillis()): "send" when send() is called, "on_send" from a
// ProducerInterceptor (the partition is still null for a keyed record: the partitioner runs
// after the interceptors, KafkaProducer.doSend), "on_ack" from the interceptor, "callback" with
// partition, offset and exception, then "closed". Errors before the send: one "error" line, exit 1.

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.ShortSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.UUIDSerializer;

public class LabProducer {
    private static final ObjectMapper JSON = new ObjectMapper();

    static synchronized void emit(String event, Map<String, Object> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", event);
        line.put("at_ms", System.currentTimeMillis());
        line.putAll(fields);
        try {
            System.out.println(JSON.writeValueAsString(line));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        System.out.flush();
    }

    /** What the record looks like when the interceptors see it: before the partitioner. */
    public static class SendView implements ProducerInterceptor<Object, Object> {
        @Override
        public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("topic", record.topic());
            f.put("partition", record.partition());
            emit("on_send", f);
            return record;
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("partition", metadata == null ? null : metadata.partition());
            f.put("offset", metadata == null || !metadata.hasOffset() ? null : metadata.offset());
            f.put("exception", exception == null ? null : exception.toString());
            emit("on_ack", f);
        }

        @Override
        public void close() {}

        @Override
        public void configure(Map<String, ?> configs) {}
    }

    static Object key(String type, String text) {
        if (text.equals("-")) {
            return null;
        }
        return switch (type) {
            case "int" -> Integer.valueOf(text);
            case "long" -> Long.valueOf(text);
            case "short" -> Short.valueOf(text);
            case "uuid" -> UUID.fromString(text);
            case "bytes" -> HexFormat.of().parseHex(text);
            default -> text;
        };
    }

    static Class<?> serializer(String type) {
        return switch (type) {
            case "int" -> IntegerSerializer.class;
            case "long" -> LongSerializer.class;
            case "short" -> ShortSerializer.class;
            case "uuid" -> UUIDSerializer.class;
            case "bytes" -> ByteArraySerializer.class;
            default -> StringSerializer.class;
        };
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        String keyType = args[2];
        Object key = key(keyType, args[3]);
        String value = "x".repeat(Integer.parseInt(args[4]));
        Map<String, Object> props = new HashMap<>();
        for (int i = 5; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            props.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, serializer(keyType));
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        List<Class<?>> interceptors = new ArrayList<>();
        interceptors.add(SendView.class);
        props.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, interceptors);
        KafkaProducer<Object, Object> producer;
        try {
            producer = new KafkaProducer<>(props);
        } catch (Exception e) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("exception", e.toString() + (e.getCause() == null ? "" : ": " + e.getCause()));
            emit("error", f);
            System.exit(1);
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        Map<String, Object> sent = new LinkedHashMap<>();
        sent.put("topic", topic);
        sent.put("key", args[3].equals("-") ? null : args[3]);
        emit("send", sent);
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, exception) -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("partition", metadata == null ? null : metadata.partition());
            f.put("offset", metadata == null || !metadata.hasOffset() ? null : metadata.offset());
            f.put("exception", exception == null ? null : exception.toString());
            emit("callback", f);
            done.countDown();
        });
        done.await();
        producer.close();
        emit("closed", new LinkedHashMap<>());
    }
}
