# taskmem: build, test and demo. `make V=1` shows the full commands.
OUT := build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc

ARCH := $(shell uname -m | sed -e 's/x86_64/x86_64/' -e 's/aarch64/arm64/')
ifeq ($(ARCH),x86_64)
BPF_ARCH := x86
else
$(error taskmem: cannot build for machine '$(shell uname -m)': only x86_64 has a vmlinux/ header and syscall table yet)
endif
VMLINUX := vmlinux/$(ARCH)/vmlinux.h

CFLAGS ?= -g -O2
override CFLAGS += -Wall -Wextra -Werror -MMD -MP -I$(OUT) -Ibpf -Iuser
LDLIBS_BPF := $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
LDLIBS_JSON := -ljson-c
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(BPF_ARCH) \
	-I$(dir $(VMLINUX)) -Ibpf -Wall -Werror

# Pure modules: no libbpf, linked alone into the unit tests.
PURE := cli model report launch errors output kobj cgroup procfs creds timeline perfetto recorder plot reader replay bench bench_report bench_stats svg utf8 text
USER_OBJS := $(patsubst %,$(OUT)/user/%.o,$(PURE) tracer attach trace main)
TOOLS := $(patsubst tools/%.c,$(OUT)/tools/%,$(wildcard tools/*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(wildcard tests/unit/test_*.c))

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

$(OUT) $(OUT)/user $(OUT)/tools $(OUT)/tests $(OUT)/fuzz:
	$(call msg,MKDIR,$@)
	$(Q)mkdir -p $@

$(OUT)/%.bpf.o: bpf/%.bpf.c $(VMLINUX) | $(OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(OUT)/user/trace.o $(OUT)/user/tracer.o $(OUT)/user/attach.o: $(OUT)/taskmem.skel.h

$(OUT)/user/%.o: user/%.c | $(OUT)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUT)/taskmem: $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS_BPF) $(LDLIBS_JSON) -lm -o $@

$(OUT)/tools/%: tools/%.c | $(OUT)/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -pthread $< -o $@

# Unit tests link only the pure module they test (test_cli -> cli.o ...).
# utf8.o is linked to all: report, svg and bench_stats check UTF-8 with it
$(OUT)/tests/test_%: tests/unit/test_%.c $(OUT)/user/%.o $(OUT)/user/utf8.o \
		| $(OUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Werror=unused-function $(filter %.c %.o,$^) \
		-lcmocka $(TEST_LDLIBS) -o $@

# test_report reads the JSON back with a real parser
$(OUT)/tests/test_report: $(OUT)/user/model.o
$(OUT)/tests/test_report: TEST_LDLIBS := -ljson-c
# creds reads SUDO_UID and SUDO_GID with cli_parse_ulong
$(OUT)/tests/test_creds: $(OUT)/user/cli.o
# timeline writes its comm fields with report's CSV quoting
$(OUT)/tests/test_timeline: $(OUT)/user/report.o
# plot labels sizes with report's units; the test reads the SVG back with
# libxml2 (compiled and linked in one step)
$(OUT)/tests/test_plot: $(OUT)/user/report.o $(OUT)/user/svg.o
$(OUT)/tests/test_plot: TEST_LDLIBS := $(shell pkg-config --cflags --libs libxml-2.0) -lm
# perfetto writes names with report's JSON strings; read back with json-c
$(OUT)/tests/test_perfetto: $(OUT)/user/report.o
$(OUT)/tests/test_perfetto: TEST_LDLIBS := -ljson-c
# reader fills the model's report and timeline; the test writes them with report
$(OUT)/tests/test_reader: $(OUT)/user/model.o $(OUT)/user/timeline.o \
	$(OUT)/user/report.o
$(OUT)/tests/test_reader: TEST_LDLIBS := -ljson-c -lm
# bench_stats parses --tasks with cli_parse_ulong
$(OUT)/tests/test_bench_stats: $(OUT)/user/cli.o
# test_svg parses the SVG back with libxml2 (compiled and linked in one step)
$(OUT)/tests/test_svg: TEST_LDLIBS := $(shell pkg-config --cflags --libs libxml-2.0)
# bench_report's forms, read back with json-c and libxml2
$(OUT)/tests/test_bench_report: $(OUT)/user/bench_stats.o $(OUT)/user/svg.o \
	$(OUT)/user/report.o $(OUT)/user/cli.o
$(OUT)/tests/test_bench_report: TEST_LDLIBS := -ljson-c \
	$(shell pkg-config --cflags --libs libxml-2.0)

# recorder writes the timeline CSV, the perfetto trace and the plot
$(OUT)/tests/test_recorder: $(OUT)/user/timeline.o $(OUT)/user/perfetto.o \
	$(OUT)/user/plot.o $(OUT)/user/svg.o $(OUT)/user/output.o \
	$(OUT)/user/report.o $(OUT)/user/model.o
$(OUT)/tests/test_recorder: TEST_LDLIBS := -ljson-c -lm
# cmd_report end to end: reads a report written with model and report
$(OUT)/tests/test_replay: $(OUT)/user/reader.o $(OUT)/user/model.o \
	$(OUT)/user/timeline.o $(OUT)/user/report.o $(OUT)/user/plot.o \
	$(OUT)/user/svg.o $(OUT)/user/output.o $(OUT)/user/cli.o \
	$(OUT)/user/errors.o $(OUT)/user/text.o
$(OUT)/tests/test_replay: TEST_LDLIBS := -ljson-c -lm

# Every suite runs; the target fails at the end if any did.
unit: $(UNIT_TESTS)
	$(Q)f=0; for t in $(UNIT_TESTS); do $$t || f=1; done; exit $$f

# The workloads are ground truth: the sanitized run uses the plain ones.
TOOLS_DIR ?= $(OUT)/tools
integration: all
	$(Q)f=0; for t in tests/integration/test_*.sh; do \
		TASKMEM=$(OUT)/taskmem TOOLS=$(TOOLS_DIR) bash $$t || f=1; \
	done; exit $$f

# The unit and integration tests again, built with ASan and UBSan.
SAN_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
sanitize: all
	$(Q)ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(MAKE) --no-print-directory OUT=$(OUT)-san CFLAGS="$(SAN_FLAGS)" \
		TOOLS_DIR=$(abspath $(OUT)/tools) unit integration

# libFuzzer on the option parsers and the JSON reader, FUZZ_SECONDS each,
# from the seeds in tests/fuzz/seeds (copied: libFuzzer adds to its corpus).
FUZZ_SECONDS ?= 30
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -Ibpf -Iuser
FUZZ_SRC_cli := user/cli.c
FUZZ_SRC_reader := user/reader.c user/model.c user/timeline.c user/report.c \
	user/plot.c user/svg.c user/utf8.c
FUZZ_LIBS_reader := -ljson-c -lm

$(OUT)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRC_$$*) | $(OUT)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_FLAGS) $^ $(FUZZ_LIBS_$*) -o $@

fuzz: $(OUT)/fuzz/fuzz_cli $(OUT)/fuzz/fuzz_reader
	$(Q)for t in cli reader; do \
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

# Static analysis of the userspace code.
lint:
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --std=c11 -D__x86_64__ -Iuser -Ibpf user/*.c

check: unit integration lint sanitize fuzz

# Timing goals live here, not in tests: ratios against untraced runs
# measured in the same run (tools/bench/overhead.sh says what it changes).
bench: all
	$(Q)tools/install-deps.sh bpftrace time python3
	$(Q)bash tools/bench/overhead.sh

# The whole runtimes matrix of docs/results/runtimes.md (long: ~30 min).
BENCH_TASKS ?= 1,10000,100000,1000000
bench-runtimes: all
	$(Q)bash tools/runtimes/build.sh
	$(Q)mkdir -p $(OUT)/bench docs/results
	$(OUT)/taskmem bench --plan tools/runtimes/plan.tsv --tasks $(BENCH_TASKS) \
		--sleep 10 --timeout 180 -l -f markdown -o $(OUT)/bench/runtimes.md \
		--plot docs/results
	$(Q)bash tools/runtimes/results.sh $(OUT)/bench/runtimes.md \
		$(OUT)/runtimes/status.tsv docs/results docs/results/runtimes.md

# The two set-up commands of the README: each installs what is missing first.
deps:
	$(Q)tools/install-deps.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(OUT)/taskmem trace -- $(OUT)/tools/demo-threads $(or $(N),10000)

test: deps
	$(Q)$(MAKE) --no-print-directory check

vmlinux:
	$(call msg,GEN,$(VMLINUX))
	$(Q)mkdir -p $(dir $(VMLINUX))
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX)

clean:
	$(call msg,CLEAN,$(OUT))
	$(Q)rm -rf $(OUT) $(OUT)-san

-include $(wildcard $(OUT)/*.d $(OUT)/user/*.d $(OUT)/tests/*.d $(OUT)/tools/*.d)
