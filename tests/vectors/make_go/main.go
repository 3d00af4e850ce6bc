// Ask the Go clients' own partitioners (sarama, segmentio/kafka-go, franz-go) where each
// case lands. Run from the repository root after make_cases.py:
//
//	(cd tests/vectors/make_go && go run .)
//
// go.mod pins the library versions; the Go module proxy serves them. Keys are non-nil
// byte slices (an empty key is []byte{}, not nil). A case whose answer changes between 16
// calls at 100 partitions does not depend on the key: it is written as null.
package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/IBM/sarama"
	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kgo"
)

type place func(key []byte, n int) int

func saramaPartitioner(ctor sarama.PartitionerConstructor) place {
	p := ctor("vectors")
	return func(key []byte, n int) int {
		got, err := p.Partition(&sarama.ProducerMessage{Key: sarama.ByteEncoder(key)}, int32(n))
		if err != nil {
			panic(err)
		}
		return int(got)
	}
}

func balancer(b kafka.Balancer) place {
	return func(key []byte, n int) int {
		partitions := make([]int, n)
		for i := range partitions {
			partitions[i] = i
		}
		return b.Balance(kafka.Message{Key: key, Value: []byte("v")}, partitions...)
	}
}

func franzDefault() place {
	// kgo's defaultCfg partitioner: UniformBytesPartitioner(64<<10, true, true, nil).
	p := kgo.UniformBytesPartitioner(64<<10, true, true, nil).ForTopic("vectors").(kgo.TopicBackupPartitioner)
	return func(key []byte, n int) int {
		return p.PartitionByBackup(&kgo.Record{Key: key}, n, nil)
	}
}

func franzRoundRobin() place {
	p := kgo.RoundRobinPartitioner().ForTopic("vectors")
	return func(key []byte, n int) int { return p.Partition(&kgo.Record{Key: key}, n) }
}

func versions() map[string]string {
	out := map[string]string{}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			out[dep.Path] = dep.Version
		}
	}
	return out
}

func main() {
	dir := ".."
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		panic(err)
	}
	var doc struct{ Cases [][2]any }
	if err := json.Unmarshal(raw, &doc); err != nil {
		panic(err)
	}
	clients := map[string]map[string]place{
		"sarama": {
			"hash":           saramaPartitioner(sarama.NewHashPartitioner),
			"reference_hash": saramaPartitioner(sarama.NewReferenceHashPartitioner),
			"consistent_crc": saramaPartitioner(sarama.NewConsistentCRCHashPartitioner),
			"murmur2":        saramaPartitioner(sarama.NewMurmur2Partitioner),
			"random":         saramaPartitioner(sarama.NewRandomPartitioner),
			"round_robin":    saramaPartitioner(sarama.NewRoundRobinPartitioner),
		},
		"kafka-go": {
			"round_robin":      balancer(&kafka.RoundRobin{}),
			"least_bytes":      balancer(&kafka.LeastBytes{}),
			"hash":             balancer(&kafka.Hash{}),
			"reference_hash":   balancer(&kafka.ReferenceHash{}),
			"crc32":            balancer(kafka.CRC32Balancer{}),
			"crc32_consistent": balancer(kafka.CRC32Balancer{Consistent: true}),
			"murmur2":          balancer(kafka.Murmur2Balancer{}),
		},
		"franz-go": {
			"default":     franzDefault(),
			"round_robin": franzRoundRobin(),
		},
	}
	modules := map[string]string{
		"sarama":   "github.com/IBM/sarama",
		"kafka-go": "github.com/segmentio/kafka-go",
		"franz-go": "github.com/twmb/franz-go",
	}
	vs := versions()
	for client, variants := range clients {
		results := map[string][]*int{}
		for variant, fn := range variants {
			out := make([]*int, len(doc.Cases))
			for i, c := range doc.Cases {
				key, err := hex.DecodeString(c[0].(string))
				if err != nil {
					panic(err)
				}
				if key == nil {
					key = []byte{}
				}
				n := int(c[1].(float64))
				seen := map[int]bool{}
				for t := 0; t < 16; t++ {
					seen[fn(key, 100)] = true
				}
				if len(seen) == 1 {
					v := fn(key, n)
					out[i] = &v
				}
			}
			results[variant] = out
		}
		lib := fmt.Sprintf("%s %s", modules[client], vs[modules[client]])
		body, _ := json.Marshal(map[string]any{"library": lib, "results": results})
		name := map[string]string{"sarama": "sarama", "kafka-go": "kafka_go", "franz-go": "franz_go"}[client]
		if err := os.WriteFile(filepath.Join(dir, name+".json"), append(body, '\n'), 0o644); err != nil {
			panic(err)
		}
		fmt.Println(lib)
	}
}
