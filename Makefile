# taskmem: build, test and demo. `make V=1` shows the full commands.
OUT := build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc

ARCH := $(shell uname -m | sed -e 's/x86_64/x86_64/' -e 's/aarch64/arm64/')
ifeq ($(ARCH),x86_64)
BPF_ARCH := x86
else
$(error taskmem: cannot build for machine '$(shell uname -m)': only x86_64 has a vmlinux/ header yet)
endif
# vmlinux/<arch>/vmlinux.h links to the header of the kernel it was
# dumped from, vmlinux_<major><minor, 2 digits>.h (as bcc's libbpf-tools).
VMLINUX := vmlinux/$(ARCH)/vmlinux.h
KERNEL_RELEASE := $(shell uname -r)
VMLINUX_VERSIONED := vmlinux/$(ARCH)/vmlinux_$(shell uname -r | \
	awk -F. '{ printf "%d%02d", $$1, $$2 }').h

CFLAGS ?= -g -O2
override CFLAGS += -Wall -Wextra -Werror -MMD -MP -I$(OUT) -Ibpf -Iuser
LDLIBS_BPF := $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
LDLIBS_JSON := -ljson-c
LDLIBS_DW := $(shell pkg-config --libs libdw 2>/dev/null || echo -ldw -lelf)
# libmicrohttpd is dlopen()ed by --listen (user/output/metrics_http.c): only
# its header is needed to build.
LDLIBS_HTTP := -ldl -pthread
LLVM_STRIP ?= llvm-strip
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(BPF_ARCH) \
	-I$(dir $(VMLINUX)) -Ibpf -Wall -Werror

# user/ is one folder per responsibility; the pure modules (everything but
# the libbpf glue and main.c) go into one archive that the unit tests link.
USER_SRCS := $(wildcard user/*/*.c) user/main.c
BPF_GLUE := user/trace/cmd_trace.c user/trace/session.c user/trace/attach.c \
	user/trace/features.c user/trace/unique_exact.c user/profile/profiler.c
PURE_SRCS := $(filter-out $(BPF_GLUE) user/main.c,$(USER_SRCS))
PURE_LIB := $(OUT)/libtaskmem-pure.a
USER_OBJS := $(patsubst %.c,$(OUT)/%.o,$(BPF_GLUE) user/main.c)
TOOLS := $(patsubst tools/%.c,$(OUT)/tools/%,$(wildcard tools/*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(wildcard tests/unit/*/test_*.c))
# What the unit tests link besides the archive (parsers they read output
# back with).
TEST_LDLIBS := -lcmocka -ljson-c $(LDLIBS_DW) -lz $(shell pkg-config --libs libxml-2.0 2>/dev/null || echo -lxml2) -lm \
	$(LDLIBS_HTTP)
TEST_CFLAGS := -Itests/unit $(shell pkg-config --cflags libxml-2.0 2>/dev/null)

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps demo test check unit integration sanitize fuzz lint bench \
	bench-runtimes vmlinux clean
.SECONDEXPANSION:

all: $(OUT)/taskmem $(TOOLS)

$(OUT) $(OUT)/tools $(OUT)/fuzz:
	$(call msg,MKDIR,$@)
	$(Q)mkdir -p $@

$(OUT)/%.bpf.o: bpf/%.bpf.c $(VMLINUX) | $(OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@	# DWARF: the skeleton needs only BTF

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# The tracer's object: taskmem.bpf.c with memory attribution's programs
# (profile.bpf.c) linked in, so that one load parses the kernel's BTF once;
# they are loaded only with --profile, --folded or --flame.
$(OUT)/taskmem.linked.o: $(OUT)/taskmem.bpf.o $(OUT)/profile.bpf.o
	$(call msg,BPF-LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUT)/taskmem.skel.h: $(OUT)/taskmem.linked.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name taskmem_bpf > $@

$(patsubst %.c,$(OUT)/%.o,$(BPF_GLUE)): $(OUT)/taskmem.skel.h $(OUT)/unique.skel.h

$(OUT)/user/%.o: user/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(PURE_LIB): $(patsubst %.c,$(OUT)/%.o,$(PURE_SRCS))
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(OUT)/taskmem: $(USER_OBJS) $(PURE_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS_BPF) $(LDLIBS_JSON) $(LDLIBS_HTTP) $(LDLIBS_DW) -lz -lm -o $@

$(OUT)/tools/%: tools/%.c | $(OUT)/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -pthread $< -o $@

# The attribution workload is built like most distribution code: without
# frame pointers, so its callers are found through DWARF CFI only.
$(OUT)/tools/attrib: CFLAGS += -fomit-frame-pointer

# A unit test links its own file and the archive: the linker takes from it
# only the modules the test reaches, so no test lists its dependencies.
$(OUT)/tests/%: tests/unit/%.c $(PURE_LIB)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(TEST_CFLAGS) -Werror=unused-function $< $(PURE_LIB) \
		$(TEST_LDLIBS) -o $@

# Every suite runs; the target fails at the end if any did.
unit: $(UNIT_TESTS)
	$(Q)f=0; for t in $(UNIT_TESTS); do $$t || f=1; done; exit $$f

# The workloads are ground truth: the sanitized run uses the plain ones.
TOOLS_DIR ?= $(OUT)/tools
INTEGRATION_TESTS ?= $(wildcard tests/integration/test_*.sh)
integration: all
	$(Q)f=0; for t in $(INTEGRATION_TESTS); do \
		TASKMEM=$(OUT)/taskmem TOOLS=$(TOOLS_DIR) bash $$t || f=1; \
	done; exit $$f

# The unit and integration tests again, built with ASan and UBSan. The
# integration tests whose taskmem runs only repeat code paths the others
# already take under the sanitizers (limits, sudo, start-up, attach, the
# footprint's columns) are left out of this second run, for CI's time.
SAN_SKIP := test_attach test_bench_limits test_footprint test_load \
	test_newcomer test_peak_vm test_sudo
SAN_INTEGRATION := $(filter-out $(patsubst %,tests/integration/%.sh,$(SAN_SKIP)),\
	$(wildcard tests/integration/test_*.sh))
SAN_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
sanitize: all
	$(Q)ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(MAKE) --no-print-directory OUT=$(OUT)-san CFLAGS="$(SAN_FLAGS)" \
		TOOLS_DIR=$(abspath $(OUT)/tools) \
		INTEGRATION_TESTS="$(SAN_INTEGRATION)" unit integration

# libFuzzer on the option parsers, the JSON reader and the plan parser,
# FUZZ_SECONDS each,
# from the seeds in tests/fuzz/seeds (copied: libFuzzer adds to its corpus).
FUZZ_SECONDS ?= 20
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -Ibpf -Iuser
FUZZ_SRC_cli := user/common/cli.c user/common/cli_metrics.c user/common/utf8.c
FUZZ_SRC_reader := user/replay/reader.c user/model/model.c user/model/timeline.c \
	user/output/report.c user/output/plot.c user/output/svg.c user/common/utf8.c \
	user/output/json_fields.c user/output/file.c user/common/asuser.c \
	user/common/cli.c user/common/cli_metrics.c
FUZZ_LIBS_reader := -ljson-c -lm
FUZZ_SRC_plan := user/bench/bench_stats.c user/common/cli.c \
	user/common/cli_metrics.c user/common/utf8.c
FUZZ_LIBS_plan := -lm
FUZZ_TARGETS := cli reader plan

$(OUT)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRC_$$*) | $(OUT)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_FLAGS) $^ $(FUZZ_LIBS_$*) -o $@

fuzz: $(patsubst %,$(OUT)/fuzz/fuzz_%,$(FUZZ_TARGETS))
	$(Q)for t in $(FUZZ_TARGETS); do \
		rm -rf $(OUT)/fuzz/corpus-$$t && \
		cp -r tests/fuzz/seeds/$$t $(OUT)/fuzz/corpus-$$t && \
		if ! $(OUT)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
			-timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
			-artifact_prefix=$(OUT)/fuzz/ $(OUT)/fuzz/corpus-$$t \
			> $(OUT)/fuzz/$$t.log 2>&1; then \
			tail -40 $(OUT)/fuzz/$$t.log; \
			echo "fuzz_$$t found a crash: $(OUT)/fuzz/crash-*"; exit 1; \
		fi; \
		echo "fuzz_$$t: $$(grep -c . $(OUT)/fuzz/corpus-$$t/* 2>/dev/null | wc -l) inputs, no crash in $(FUZZ_SECONDS) s"; \
	done

# Static analysis of the userspace code, and the folders' dependencies
# pointing one way (tools/check-layers.sh).
lint:
	$(Q)bash tools/check-layers.sh
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --std=c11 -D__x86_64__ -Iuser -Ibpf user/*.c user/*/*.c

check: unit integration lint sanitize fuzz

# Timing goals live here, not in tests: ratios against untraced runs
# measured in the same run (tools/bench/overhead.sh says what it changes).
bench: all
	$(Q)tools/install-deps.sh bpftrace time python3 linux-perf
	$(Q)bash tools/bench/overhead.sh
	$(Q)bash tools/bench/profile.sh
	$(Q)bash tools/bench/exact_unique.sh

# The whole runtimes matrix of docs/results/runtimes.md (long: ~2 h with
# 3 runs a cell). It raises kernel.pid_max, kernel.threads-max and
# vm.max_map_count for the run and restores them (see README).
BENCH_TASKS ?= 1,10000,100000,1000000
BENCH_RUNS ?= 3
BENCH_SLEEP ?= 5
bench-runtimes: all
	$(Q)bash tools/runtimes/build.sh
	$(Q)mkdir -p $(OUT)/bench docs/results
	$(OUT)/taskmem bench --plan tools/runtimes/plan.tsv --tasks $(BENCH_TASKS) \
		--runs $(BENCH_RUNS) --sleep $(BENCH_SLEEP) --timeout 300 \
		--raise-limits -l -f markdown -o $(OUT)/bench/runtimes.md \
		--plot docs/results
	$(Q)bash tools/runtimes/results.sh $(OUT)/bench/runtimes.md \
		$(OUT)/runtimes/status.tsv docs/results docs/results/runtimes.md \
		$(BENCH_RUNS) $(BENCH_SLEEP)

# The two set-up commands of the README: each installs what is missing first.
deps:
	$(Q)tools/install-deps.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(OUT)/taskmem trace -- $(OUT)/tools/demo-threads $(or $(N),10000)

test: deps
	$(Q)$(MAKE) --no-print-directory check

# Dumps the running kernel's BTF; the link then points to the new header.
vmlinux:
	@echo "  GEN      $(VMLINUX_VERSIONED) from /sys/kernel/btf/vmlinux" \
		"(the running kernel, $(KERNEL_RELEASE)); $(VMLINUX) links to it"
	$(Q)mkdir -p $(dir $(VMLINUX))
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c \
		> $(VMLINUX_VERSIONED)
	$(Q)ln -sf $(notdir $(VMLINUX_VERSIONED)) $(VMLINUX)

clean:
	$(call msg,CLEAN,$(OUT))
	$(Q)rm -rf $(OUT) $(OUT)-san

-include $(wildcard $(OUT)/*.d $(OUT)/user/*.d $(OUT)/user/*/*.d $(OUT)/tests/*/*.d $(OUT)/tools/*.d)
