// run_verifier.mjs: compile a Groth16 verifier contract with solc (npm) and
// run verifyProof transactions on an in-process EVM (@ethereumjs/vm).
//
//   node run_verifier.mjs [-f hardfork] VERIFIER.sol CALLDATA...
//   node run_verifier.mjs -s SNARKJS_CALLDATA     (print it as hex calldata)
//
// Each CALLDATA file holds one or more lines of hex calldata (selector and
// ABI words, with or without 0x).  For each line, one output line:
//   accept gas=<transaction gas> exec=<execution gas>
//   reject gas=...       (verifyProof returned false)
//   revert gas=...       (the call reverted or ran out of gas)
// Transaction gas is what a sender pays: 21000 + calldata + execution.
// Exit status: 0 when every line ran, 2 on usage, 3 on bad input.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createLegacyTx } from '@ethereumjs/tx';
import { createVM, runTx } from '@ethereumjs/vm';
import { Account, Address, hexToBytes, bytesToHex, privateToAddress }
    from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';

const require = createRequire(import.meta.url);
const solc = require('solc');

function die(code, msg) {
    process.stderr.write(`run_verifier: ${msg}\n`);
    process.exit(code);
}

function selector(sig) {
    return bytesToHex(keccak_256(new TextEncoder().encode(sig))).slice(2, 10);
}

// snarkjs `zkey export soliditycalldata` text -> hex calldata.
function fromSnarkjs(text) {
    let v;
    try { v = JSON.parse('[' + text.trim() + ']'); }
    catch (e) { die(3, `snarkjs calldata: ${e.message}`); }
    if (v.length !== 4) die(3, 'snarkjs calldata: expected 4 arrays');
    const words = [...v[0], ...v[1][0], ...v[1][1], ...v[2], ...v[3]];
    const n = v[3].length;
    const sig = `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[${n}])`;
    return selector(sig) + words.map((w) =>
        BigInt(w).toString(16).padStart(64, '0')).join('');
}

function compile(path) {
    const src = readFileSync(path, 'utf8');
    const input = {
        language: 'Solidity',
        sources: { 'v.sol': { content: src } },
        settings: {
            optimizer: { enabled: true, runs: 200 },
            evmVersion: 'cancun',
            outputSelection: { '*': { '*': ['evm.bytecode.object', 'abi'] } },
        },
    };
    const out = JSON.parse(solc.compile(JSON.stringify(input)));
    const errs = (out.errors || []).filter((e) => e.severity === 'error');
    if (errs.length) die(3, `${path}: ${errs.map((e) => e.formattedMessage).join('\n')}`);
    for (const [name, c] of Object.entries(out.contracts['v.sol'])) {
        if (c.abi.some((f) => f.name === 'verifyProof'))
            return { name, code: c.evm.bytecode.object };
    }
    die(3, `${path}: no contract with verifyProof`);
}

const args = process.argv.slice(2);
let hardfork = Hardfork.Cancun;
if (args[0] === '-s') {
    if (args.length !== 2) die(2, 'usage: run_verifier.mjs -s SNARKJS_CALLDATA');
    process.stdout.write(fromSnarkjs(readFileSync(args[1], 'utf8')) + '\n');
    process.exit(0);
}
if (args[0] === '-f') { hardfork = args[1]; args.splice(0, 2); }
if (args.length < 2)
    die(2, 'usage: run_verifier.mjs [-f hardfork] VERIFIER.sol CALLDATA...');

const common = new Common({ chain: Mainnet, hardfork });
const vm = await createVM({ common });
const key = hexToBytes('0x' + '11'.repeat(32));
const from = new Address(privateToAddress(key));
await vm.stateManager.putAccount(from, new Account(0n, 10n ** 24n));
let nonce = 0n;

async function send(to, data) {
    const tx = createLegacyTx({
        nonce: nonce++, gasPrice: 10n, gasLimit: 10_000_000n,
        to, data: hexToBytes('0x' + data),
    }, { common }).sign(key);
    return runTx(vm, { tx, skipBlockGasLimitValidation: true });
}

const { name, code } = compile(args[0]);
const dep = await send(undefined, code);
if (dep.execResult.exceptionError || !dep.createdAddress)
    die(3, `${args[0]}: deploying ${name} failed`);
process.stderr.write(`run_verifier: ${name} deployed, ${code.length / 2} bytes ` +
    `of init code, deploy gas ${dep.totalGasSpent}\n`);

for (const file of args.slice(1)) {
    const lines = readFileSync(file, 'utf8').split('\n')
        .map((l) => l.trim().replace(/^0x/, '')).filter((l) => l.length);
    for (const l of lines) {
        if (!/^([0-9a-fA-F]{2})+$/.test(l)) die(3, `${file}: not hex calldata`);
        const r = await send(dep.createdAddress, l);
        const ex = r.execResult;
        const gas = `gas=${r.totalGasSpent} exec=${ex.executionGasUsed}`;
        if (ex.exceptionError) console.log(`revert ${gas}`);
        else {
            const ret = ex.returnValue;
            const ok = ret.length === 32 && ret[31] === 1 &&
                ret.slice(0, 31).every((b) => b === 0);
            console.log(`${ok ? 'accept' : 'reject'} ${gas}`);
        }
    }
}
