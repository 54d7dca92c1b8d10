pragma circom 2.0.0;
// One public signal: c = a * b with a < 2^16 (circomlib range check).
include "circomlib/circuits/bitify.circom";

template Mul1() {
    signal input a;
    signal input b;
    signal output c;
    component bits = Num2Bits(16);
    bits.in <== a;
    c <== a * b;
}

component main = Mul1();
