pragma circom 2.0.0;
// Three public signals (output c, inputs x and y): c = (x + a) * (y + b).
template Pub3() {
    signal input x;
    signal input y;
    signal input a;
    signal input b;
    signal output c;
    signal u;
    signal v;
    u <== x + a;
    v <== y + b;
    c <== u * v;
}

component main {public [x, y]} = Pub3();
