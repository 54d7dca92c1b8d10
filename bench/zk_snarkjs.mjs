// zk_snarkjs.mjs: the ffjavascript (wasm) side of bench/zk.sh.
//
//   node bench/zk_snarkjs.mjs [-c] [-r reps] op...
//
// For each op prints "op<TAB>seconds" (median over reps) on stdout, the
// same format as bench/bench_zk, so bench/zk.sh can set the two side by
// side.  ops are listed in OPS below.  The engine is ffjavascript 0.3.1,
// the one snarkjs 0.7.6 proves with: the wasm code of wasmcurves, worker
// threads for MSM and FFT (one per core, as snarkjs runs it).
//
// Microbenchmarks (field mul, inversion, G1 add, pairing) call the wasm
// exports directly from JS in a loop on the main-thread instance, so they
// include one JS->wasm call per operation (a few ns).  MSM inputs are
// what the snarkjs prover passes: affine Montgomery bases as in a .zkey
// and 32-byte little-endian standard-form scalars as in a .wtns, so the
// "8-bit" case is 32-byte scalars whose value is below 2^8.
import { buildBn128 } from "ffjavascript";
import { randomBytes } from "node:crypto";

const args = process.argv.slice(2);
let reps = 5;
let cpu = false;
for (;;) {
    if (args[0] === "-r") {
        reps = parseInt(args[1], 10);
        args.splice(0, 2);
    } else if (args[0] === "-c") {
        cpu = true;
        args.splice(0, 1);
    } else {
        break;
    }
}

const curve = await buildBn128();
const tm = curve.tm;
const ex = tm.instance.exports;

// Wall time, or with -c the CPU time of the process (all threads,
// worker threads included), like bench_zk -c.
function now() {
    if (cpu) {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1e6;
    }
    return Number(process.hrtime.bigint()) / 1e9;
}

function median(xs) {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// Random element below 2^253 (< r and < p), Montgomery form of itself is
// irrelevant for timing but keep values reduced.
function randomFieldBytes(n, bits) {
    const b = randomBytes(n * 32);
    for (let i = 0; i < n; i++) {
        const off = i * 32;
        if (bits >= 253) {
            b[off + 31] &= 0x1f;
        } else {
            const full = bits >> 3;
            for (let j = full; j < 32; j++)
                b[off + j] = 0;
            if (bits & 7)
                b[off + full] = randomBytes(1)[0] & ((1 << (bits & 7)) - 1);
        }
    }
    return b;
}

// The witness mix of bench_zk.c: 10% zero, 10% +-1, 40% signed 8-bit,
// 30% signed 16-bit, 10% full-size; negative v stored as r + v.
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
function witnessScalars(n) {
    const b = new Uint8Array(n * 32);
    const full = randomFieldBytes(n, 253);
    for (let i = 0; i < n; i++) {
        const u = Math.floor(Math.random() * 100);
        let v;
        if (u < 10) v = 0;
        else if (u < 20) v = Math.random() < 0.5 ? 1 : -1;
        else if (u < 60) v = Math.floor(Math.random() * 256) - 128;
        else if (u < 90) v = Math.floor(Math.random() * 65536) - 32768;
        else {
            b.set(full.subarray(i * 32, i * 32 + 32), i * 32);
            continue;
        }
        let x = v < 0 ? R + BigInt(v) : BigInt(v);
        for (let j = 0; j < 32; j++) {
            b[i * 32 + j] = Number(x & 0xffn);
            x >>= 8n;
        }
    }
    return b;
}

// Time a loop of `iters` calls of f, reps times; seconds per call.
function microbench(f, iters) {
    const ts = [];
    for (let r = 0; r < reps; r++) {
        const t0 = now();
        for (let i = 0; i < iters; i++)
            f();
        ts.push((now() - t0) / iters);
    }
    return median(ts);
}

async function timeit(f) {
    const ts = [];
    for (let r = 0; r < reps; r++) {
        const t0 = now();
        await f();
        ts.push(now() - t0);
    }
    return median(ts);
}

function fieldOp(prefix, fn, iters) {
    const pA = tm.alloc(32), pB = tm.alloc(32);
    tm.u8.set(randomFieldBytes(1, 253), pA);
    tm.u8.set(randomFieldBytes(1, 253), pB);
    ex[prefix + "_toMontgomery"](pA, pA);
    ex[prefix + "_toMontgomery"](pB, pB);
    const f = ex[prefix + fn];
    if (fn === "_inverse")
        return microbench(() => f(pA, pA), iters);
    return microbench(() => f(pA, pB, pA), iters);
}

// Main-instance wasm memory is never freed (tm.alloc is a bump
// allocator): allocate the base generation scratch once, sized for G2.
const CHUNK = 1024;
const scratch = {
    pS: tm.alloc(32), pP: tm.alloc(192), pQ: tm.alloc(192),
    pJ: tm.alloc(192 * CHUNK), pAff: tm.alloc(128 * CHUNK),
};

// n random-looking distinct affine G1/G2 points in Montgomery form:
// P_i = P_{i-1} + Q, starting from random multiples of the generator,
// converted to affine in chunks with the wasm batch conversion.
function makeBases(g, n) {
    const F = g === "g1m" ? curve.G1.F : curve.G2.F;
    const sJ = F.n8 * 3, sA = F.n8 * 2;
    const chunk = CHUNK;
    const pGen = g === "g1m" ? tm.pG1gen : tm.pG2gen;
    const { pS, pP, pQ, pJ, pAff } = scratch;
    tm.u8.set(randomFieldBytes(1, 253), pS);
    ex[g + "_timesScalar"](pGen, pS, 32, pP);
    tm.u8.set(randomFieldBytes(1, 253), pS);
    ex[g + "_timesScalar"](pGen, pS, 32, pQ);
    const out = new Uint8Array(n * sA);
    for (let i = 0; i < n; i += chunk) {
        const m = Math.min(chunk, n - i);
        for (let j = 0; j < m; j++) {
            ex[g + "_add"](pP, pQ, pP);
            ex[g + "_copy"](pP, pJ + j * sJ);
        }
        ex[g + "_batchToAffine"](pJ, m, pAff);
        out.set(tm.u8.slice(pAff, pAff + m * sA), i * sA);
    }
    return out;
}

async function msm(group, logn, bits) {
    const n = 1 << logn;
    const G = group === "g1m" ? curve.G1 : curve.G2;
    const bases = makeBases(group, n);
    const scalars = bits === 0 ? witnessScalars(n) : randomFieldBytes(n, bits);
    return timeit(() => G.multiExpAffine(bases, scalars));
}

async function ntt(logn) {
    const n = 1 << logn;
    const buf = randomFieldBytes(n, 253);
    return timeit(() => curve.Fr.fft(buf));
}

const OPS = {
    fp_mul: () => fieldOp("f1m", "_mul", 1000000),
    fr_mul: () => fieldOp("frm", "_mul", 1000000),
    fp_inv: () => fieldOp("f1m", "_inverse", 20000),
    g1_add: () => {
        const pP = tm.alloc(96), pQ = tm.alloc(96), pS = tm.alloc(32);
        tm.u8.set(randomFieldBytes(1, 253), pS);
        ex.g1m_timesScalar(tm.pG1gen, pS, 32, pP);
        tm.u8.set(randomFieldBytes(1, 253), pS);
        ex.g1m_timesScalar(tm.pG1gen, pS, 32, pQ);
        return microbench(() => ex.g1m_add(pP, pQ, pP), 200000);
    },
    pairing: () => {
        const pR = tm.alloc(32 * 12);
        return microbench(() => ex.bn128_pairing(tm.pG1gen, tm.pG2gen, pR),
            50);
    },
    pairing4: () => {
        const g1 = tm.pG1gen, g2 = tm.pG2gen;
        // Product of 4 pairings against the identity: multi-Miller loop,
        // one final exponentiation, one comparison.
        return microbench(() => ex.bn128_pairingEq4(g1, g2, g1, g2, g1, g2,
            g1, g2, tm.pOneT), 20);
    },
    msm_g1_10: () => msm("g1m", 10, 253),
    msm_g1_14: () => msm("g1m", 14, 253),
    msm_g1_16: () => msm("g1m", 16, 253),
    msm_g1_18: () => msm("g1m", 18, 253),
    msm_g1_10_8b: () => msm("g1m", 10, 8),
    msm_g1_14_8b: () => msm("g1m", 14, 8),
    msm_g1_16_8b: () => msm("g1m", 16, 8),
    msm_g1_18_8b: () => msm("g1m", 18, 8),
    msm_g1_16_nn: () => msm("g1m", 16, 0),
    msm_g1_18_nn: () => msm("g1m", 18, 0),
    msm_g2_16: () => msm("g2m", 16, 253),
    ntt_16: () => ntt(16),
    ntt_20: () => ntt(20),
};

for (const op of args) {
    if (!(op in OPS)) {
        console.error(`zk_snarkjs: unknown op ${op}`);
        process.exit(2);
    }
    const s = await OPS[op]();
    console.log(`${op}\t${s}`);
}
await curve.terminate();
process.exit(0);
