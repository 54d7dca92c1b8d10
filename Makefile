# VeriRegime: one non-recursive make.  See README.md.
include config.mk

LIB_SRC   := $(sort $(wildcard lib/*/*.c))
LIB_OBJ   := $(LIB_SRC:.c=.o)
LIB_HDR   := $(sort $(wildcard lib/*.h lib/*/*.h))
TOOLS     := $(patsubst %.c,%,$(sort $(wildcard tools/vr-*.c)))
UNITS     := $(patsubst %.c,%,$(sort $(wildcard tests/unit/check_*.c)))
BENCHES   := $(patsubst %.c,%,$(sort $(wildcard bench/bench_*.c)))
TESTLIB   := $(patsubst %.c,%.o,$(sort $(wildcard tests/unit/util_*.c)))
MAN1      := $(sort $(wildcard man/man1/*.1))
MAN5      := $(sort $(wildcard man/man5/*.5))
MAN7      := $(sort $(wildcard man/man7/*.7))
DEPFILES  := $(LIB_OBJ:.o=.d) $(addsuffix .d,$(TOOLS) $(UNITS) $(BENCHES)) $(TESTLIB:.o=.d)

.SECONDARY: $(TESTLIB)

.PHONY: all check unit cli lint-man check-headers demo bench install uninstall \
        deps deps-npm clean asan verify-check

all: lib/libvr.a $(TOOLS)

lib/libvr.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

%.o: %.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# The BN254 kernels at -O3: unrolling the 4-limb loops makes Fp mul ~1.4x
# and NTT/MSM 1.3-1.6x faster than -O2 (bench/zk.sh).  make OPT=... wins.
lib/field/%.o lib/curve/%.o lib/pairing/%.o lib/poly/%.o: OPT = -O3

tools/vr-%: tools/vr-%.c lib/libvr.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< lib/libvr.a $(LDLIBS_LIB)

tests/unit/check_%: tests/unit/check_%.c $(TESTLIB) lib/libvr.a
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(TESTLIB) \
	    lib/libvr.a $(LDLIBS_TEST) $(LDLIBS_LIB)

tests/unit/util_%.o: tests/unit/util_%.c
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) -MMD -MP -c -o $@ $<

bench/bench_%: bench/bench_%.c lib/libvr.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< lib/libvr.a $(LDLIBS_LIB)

# Dependencies: Debian packages (and npm for the interop tests), installed
# only when missing.
deps:
	@sh mk/deps.sh

check: deps
	@$(MAKE) --no-print-directory all $(UNITS)
	@sh tests/run.sh $(UNITS)

unit: all $(UNITS)
	@sh tests/run.sh --unit $(UNITS)

cli: all
	@sh tests/run.sh --cli

lint-man:
	@sh tests/run.sh --man

check-headers:
	@for h in $(LIB_HDR); do \
	    echo "#include \"$${h#lib/}\"" | $(CC) $(CPPFLAGS) $(CFLAGS) -x c -fsyntax-only - \
	    || { echo "check-headers: $$h does not compile alone"; exit 1; }; done
	@echo "check-headers: $(words $(LIB_HDR)) headers compile alone"

verify-check:
	$(MAKE) clean
	$(MAKE) VERIFY=1 check

asan:
	$(MAKE) clean
	$(MAKE) SAN=1 check

demo: deps all
	@sh pipelines/demo.sh

bench: all $(BENCHES)
	@sh mk/deps.sh bench
	-@$(MAKE) --no-print-directory bench/bench_ffiasm
	@sh bench/run.sh

# rapidsnark's engine (npm ffiasm, C++ and nasm) beside libvr in bench/zk.sh;
# bench/build_ffiasm.sh skips it when ffiasm, nasm or g++ is missing.
bench/bench_ffiasm: bench/bench_ffiasm.cpp bench/bench_util.h bench/build_ffiasm.sh lib/libvr.a
	@sh bench/build_ffiasm.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 \
	    $(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(MANPREFIX)/man7
	install -m 755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(MAN1) $(DESTDIR)$(MANPREFIX)/man1
	install -m 644 $(MAN5) $(DESTDIR)$(MANPREFIX)/man5
	install -m 644 $(MAN7) $(DESTDIR)$(MANPREFIX)/man7

uninstall:
	for t in $(notdir $(TOOLS)); do rm -f $(DESTDIR)$(PREFIX)/bin/$$t; done
	for m in $(notdir $(MAN1)); do rm -f $(DESTDIR)$(MANPREFIX)/man1/$$m; done
	for m in $(notdir $(MAN5)); do rm -f $(DESTDIR)$(MANPREFIX)/man5/$$m; done
	for m in $(notdir $(MAN7)); do rm -f $(DESTDIR)$(MANPREFIX)/man7/$$m; done

clean:
	rm -f lib/libvr.a $(LIB_OBJ) $(TOOLS) $(UNITS) $(BENCHES) $(TESTLIB) $(DEPFILES)
	rm -f bench/bench_ffiasm
	rm -rf tests/out

-include $(DEPFILES)
