# config.mk: knobs for the Makefile.  Override on the command line:
#   make CC=clang PREFIX=$HOME/.local
VERSION = 0.1.0
PREFIX ?= /usr/local
MANPREFIX ?= $(PREFIX)/share/man

CC ?= cc
# -march=native: the field and BLAS-adjacent code wants the host's
# instructions (mulx, adx, AVX-512).  Set ARCH= for a portable build.
ARCH ?= -march=native
OPT ?= -O2
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
CFLAGS ?= $(OPT) -g
CFLAGS += -std=c11 $(ARCH) $(WARN) -D_DEFAULT_SOURCE -D_GNU_SOURCE -pthread
CPPFLAGS += -Ilib $(shell pkg-config --cflags openblas libcurl 2>/dev/null)

LDLIBS_LIB = $(shell pkg-config --libs msgpack openblas libcurl libzip 2>/dev/null) \
             -lcsv -lm -lpthread
LDLIBS_TEST = $(shell pkg-config --libs check gmp 2>/dev/null)

# make VERIFY=1: expensive invariants (VR_VERIFY_CHECK) compiled in.
ifeq ($(VERIFY),1)
CPPFLAGS += -DVR_VERIFY
endif
# make SAN=1: AddressSanitizer + UndefinedBehaviorSanitizer.
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(CI),true)
CFLAGS += -Werror
endif
