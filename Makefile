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
CFLAGS += -Wall -Wextra -Werror -MMD -MP -I$(OUT) -Ibpf -Iuser
LDLIBS_BPF := $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
LDLIBS_JSON := -ljson-c
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(BPF_ARCH) \
	-I$(dir $(VMLINUX)) -Ibpf -Wall -Werror

# Pure modules: no libbpf, linked alone into the unit tests.
PURE := cli model report launch errors output kobj cgroup procfs creds timeline perfetto recorder plot reader replay
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
.PHONY: all deps demo test check unit integration vmlinux clean

all: $(OUT)/taskmem $(TOOLS)

$(OUT) $(OUT)/user $(OUT)/tools $(OUT)/tests:
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
$(OUT)/tests/test_%: tests/unit/test_%.c $(OUT)/user/%.o | $(OUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Werror=unused-function $(filter %.c %.o,$^) \
		-lcmocka $(TEST_LDLIBS) -o $@

# test_report reads the JSON back with a real parser
$(OUT)/tests/test_report: $(OUT)/user/model.o
$(OUT)/tests/test_report: TEST_LDLIBS := -ljson-c
# creds reads SUDO_UID and SUDO_GID with cli_parse_ulong
$(OUT)/tests/test_creds: $(OUT)/user/cli.o

# Every suite runs; the target fails at the end if any did.
unit: $(UNIT_TESTS)
	$(Q)f=0; for t in $(UNIT_TESTS); do $$t || f=1; done; exit $$f

integration: all
	$(Q)f=0; for t in tests/integration/test_*.sh; do bash $$t || f=1; done; exit $$f

check: unit integration

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
	$(Q)rm -rf $(OUT)

-include $(wildcard $(OUT)/*.d $(OUT)/user/*.d $(OUT)/tests/*.d $(OUT)/tools/*.d)
