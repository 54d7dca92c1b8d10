// binsec.cjs: compare two iden3 binary files (.r1cs, .wtns, .zkey,
// .ptau) section by section, whatever their order in the files.
//   node binsec.cjs A B [ID...]     (default: every section of B)
// Exit 0 if every listed section is byte-identical, 1 otherwise.
const fs = require('fs');
function secs(f) {
    const b = fs.readFileSync(f), r = {};
    let o = 12;
    while (o < b.length) {
        const id = b.readUInt32LE(o), n = Number(b.readBigUInt64LE(o + 4));
        r[id] = b.subarray(o + 12, o + 12 + n);
        o += 12 + n;
    }
    return r;
}
const [fa, fb, ...ids] = process.argv.slice(2);
const a = secs(fa), b = secs(fb);
for (const id of ids.length ? ids : Object.keys(b)) {
    if (!a[id] || !b[id] || Buffer.compare(a[id], b[id]) !== 0) {
        console.error(`binsec: section ${id} differs`);
        process.exit(1);
    }
}
