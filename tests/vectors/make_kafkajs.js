// Ask KafkaJS's own partitioners where each case lands.
//
// Run from the repository root after make_cases.py:
//   npm install --prefix /tmp/kafkajs-vectors kafkajs@2
//   NODE_PATH=/tmp/kafkajs-vectors/node_modules node tests/vectors/make_kafkajs.js
// Keys are passed as Buffers (what a producer sends after serializing); partitionMetadata
// lists partitions 0..n-1, each with a leader. A case whose answer changes between 16 calls
// at 100 partitions does not depend on the key: it is written as null.
'use strict'
const fs = require('fs')
const path = require('path')
const { Partitioners } = require('kafkajs')
const version = require('kafkajs/package.json').version

const here = __dirname
const cases = JSON.parse(fs.readFileSync(path.join(here, 'cases.json'), 'utf8')).cases
const metadata = n => Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 1 }))
const variants = { default: Partitioners.DefaultPartitioner, legacy: Partitioners.LegacyPartitioner }
const results = {}
for (const [name, create] of Object.entries(variants)) {
  const partitioner = create()
  const call = (key, n) =>
    partitioner({ topic: 'vectors', partitionMetadata: metadata(n), message: { key, value: 'v' } })
  results[name] = cases.map(([hex, n]) => {
    const key = Buffer.from(hex, 'hex')
    const seen = new Set(Array.from({ length: 16 }, () => call(key, 100)))
    return seen.size > 1 ? null : call(key, n)
  })
}
const doc = { library: `kafkajs ${version}`, results }
fs.writeFileSync(path.join(here, 'kafkajs.json'), JSON.stringify(doc) + '\n')
console.log(doc.library)
