// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include "common/text.h"
#include "profile/unwind.h"

#define MAX_FRAMES 128
#define NAME_LEN 256
/* Maps re-read for callers in no module: at most this often a process. */
#define RECAPTURE_NS 100000000ULL

/* A frame's name, once found in a module's symbols. */
struct pc_name {
	uint64_t pc;		/* 0: empty slot */
	char *name;
};

/* One distinct set of mappings (forked children share their parent's). */
struct maps {
	char *text;		/* the file-backed lines of /proc/PID/maps */
	Dwfl *dwfl;		/* NULL until first used */
	bool broken;		/* libdw could not use it */
	/*
	 * Names by pc, open addressing: libdw looks a symbol up by scanning
	 * the module's table, and the same few pcs come back sample after
	 * sample (most of the cost of profiling a page-fault storm).
	 */
	struct pc_name *names;
	size_t nnames, capnames;
};

struct proc {
	uint32_t pid;		/* 0: empty slot */
	int maps;		/* index in u->maps, -1: none */
	char *perf_map;		/* /tmp/perf-PID.map's text, once read */
	bool perf_map_read;
	uint64_t recaptured_ns;	/* CLOCK_MONOTONIC of the last re-read */
};

struct unwinder {
	struct maps *maps;
	size_t nmaps, capmaps;
	struct proc *procs;	/* open addressing on pid */
	size_t nprocs, capprocs;
	const struct prof_sample *cur;	/* the sample being unwound */
};

static char *debuginfo_path;
static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

struct unwinder *unwind_new(void)
{
	return calloc(1, sizeof(struct unwinder));
}

void unwind_free(struct unwinder *u)
{
	size_t i, j;

	if (!u)
		return;
	for (i = 0; i < u->nmaps; i++) {
		free(u->maps[i].text);
		if (u->maps[i].dwfl)
			dwfl_end(u->maps[i].dwfl);
		for (j = 0; j < u->maps[i].capnames; j++)
			free(u->maps[i].names[j].name);
		free(u->maps[i].names);
	}
	for (i = 0; i < u->capprocs; i++)
		free(u->procs[i].perf_map);
	free(u->maps);
	free(u->procs);
	free(u);
}

static struct proc *proc_slot(struct unwinder *u, uint32_t pid)
{
	size_t j;

	if (!u->capprocs)
		return NULL;
	for (j = (pid * 2654435761U) & (u->capprocs - 1); u->procs[j].pid;
	     j = (j + 1) & (u->capprocs - 1))
		if (u->procs[j].pid == pid)
			return &u->procs[j];
	return &u->procs[j];
}

static struct proc *proc_get(struct unwinder *u, uint32_t pid, bool create)
{
	struct proc *p;
	size_t i, old = u->capprocs;
	struct proc *v = u->procs;

	p = proc_slot(u, pid);
	if (p && p->pid == pid)
		return p;
	if (!create || !pid)
		return NULL;
	if ((u->nprocs + 1) * 2 > u->capprocs) {
		u->capprocs = old ? old * 2 : 256;
		u->procs = calloc(u->capprocs, sizeof(*u->procs));
		if (!u->procs) {
			u->procs = v;
			u->capprocs = old;
			return NULL;
		}
		for (i = 0; i < old; i++)
			if (v[i].pid)
				*proc_slot(u, v[i].pid) = v[i];
		free(v);
		p = proc_slot(u, pid);
	}
	p->pid = pid;
	p->maps = -1;
	u->nprocs++;
	return p;
}

/* The file-backed lines of a maps text: what libdw needs to find modules. */
static char *maps_files(const char *text)
{
	size_t n = strlen(text);
	char *out = malloc(n + 1), *o = out;
	const char *line, *nl;

	if (!out)
		return NULL;
	for (line = text; *line; line = nl) {
		const char *path;

		nl = strchr(line, '\n');
		nl = nl ? nl + 1 : line + strlen(line);
		path = memchr(line, '/', nl - line);
		/* the path is the 6th field; '/' cannot appear before it */
		if (!path || (nl - path >= 10 &&
			      !memcmp(nl - 10, " (deleted)", 10)))
			continue;
		memcpy(o, line, nl - line);
		o += nl - line;
	}
	*o = '\0';
	return out;
}

static int maps_intern(struct unwinder *u, char *files)
{
	size_t i;

	for (i = 0; i < u->nmaps; i++)
		if (!strcmp(u->maps[i].text, files)) {
			free(files);
			return i;
		}
	if (u->nmaps == u->capmaps) {
		size_t cap = u->capmaps ? u->capmaps * 2 : 16;
		struct maps *v = realloc(u->maps, cap * sizeof(*v));

		if (!v) {
			free(files);
			return -1;
		}
		u->maps = v;
		u->capmaps = cap;
	}
	memset(&u->maps[u->nmaps], 0, sizeof(*u->maps));
	u->maps[u->nmaps].text = files;
	return u->nmaps++;
}

void unwind_capture(struct unwinder *u, uint32_t pid, uint32_t ppid)
{
	struct proc *p = proc_get(u, pid, true), *parent;
	char path[64], *text, *files;

	if (!p)
		return;
	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	text = text_read(path);
	if (text && *text) {
		files = maps_files(text);
		if (files)
			p->maps = maps_intern(u, files);
	} else if (p->maps < 0) {
		/* gone already: a forked child runs its parent's code */
		parent = proc_get(u, ppid, false);
		if (parent)
			p->maps = parent->maps;
	}
	free(text);
}

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	(void)dwfl;
	if (*thread_argp)
		return 0;
	*thread_argp = arg;
	return 1;
}

/* Only the stack copy is memory: CFA rules read nothing else. */
static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result,
			void *arg)
{
	struct unwinder *u = arg;
	const struct prof_sample *s = u->cur;
	uint64_t sp = s->regs[PROF_REG_SP];

	(void)dwfl;
	if (addr < sp || addr - sp + sizeof(*result) > s->stack_len)
		return false;
	memcpy(result, s->stack + (addr - sp), sizeof(*result));
	return true;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct unwinder *u = arg;
	Dwarf_Word regs[PROF_NR_DWARF_REGS];
	int i;

	for (i = 0; i < PROF_NR_DWARF_REGS; i++)
		regs[i] = u->cur->regs[i];
	/* where the pc has no DWARF number of its own among them (arm64) */
	if (PROF_REG_IP >= PROF_NR_DWARF_REGS)
		dwfl_thread_state_register_pc(thread,
					      u->cur->regs[PROF_REG_IP]);
	return dwfl_thread_state_registers(thread, 0, PROF_NR_DWARF_REGS,
					   regs);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

static Dwfl *maps_dwfl(struct unwinder *u, struct maps *m)
{
	FILE *f;

	if (m->dwfl || m->broken)
		return m->dwfl;
	m->dwfl = dwfl_begin(&dwfl_callbacks);
	f = fmemopen(m->text, strlen(m->text), "r");
	if (!m->dwfl || !f) {
		if (f)
			fclose(f);
		m->broken = true;
		return NULL;
	}
	dwfl_report_begin(m->dwfl);
	if (dwfl_linux_proc_maps_report(m->dwfl, f) ||
	    dwfl_report_end(m->dwfl, NULL, NULL) ||
	    !dwfl_attach_state(m->dwfl, NULL, 1, &thread_callbacks, u)) {
		dwfl_end(m->dwfl);
		m->dwfl = NULL;
		m->broken = true;
	}
	fclose(f);
	return m->dwfl;
}

struct walk {
	uint64_t pc[MAX_FRAMES];
	int n;
};

static int on_frame(Dwfl_Frame *state, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc;
	bool activation;

	if (!dwfl_frame_pc(state, &pc, &activation) || !pc)
		return DWARF_CB_ABORT;
	/* a return address points after the call: look up the call */
	w->pc[w->n++] = activation ? pc : pc - 1;
	return w->n < MAX_FRAMES ? DWARF_CB_OK : DWARF_CB_ABORT;
}

static void unwind_dwarf(struct unwinder *u, Dwfl *dwfl,
			 const struct prof_sample *s, struct walk *w)
{
	w->n = 0;
	if (!dwfl || !s->regs[PROF_REG_IP])
		return;
	u->cur = s;
	dwfl_getthread_frames(dwfl, 1, on_frame, w);
	u->cur = NULL;
}

/*
 * No CFI where the sample stopped: glibc's clone3 ends its FDE before the
 * syscall, the point where every new thread is sampled. Such code has not
 * moved the stack pointer since its call: return to [sp] (x86_64) or to
 * the link register (arm64) and go on.
 */
static void unwind_from_return(struct unwinder *u, Dwfl *dwfl,
			       const struct prof_sample *s, struct walk *w)
{
	static struct prof_sample up;
	static struct walk rest;
	uint32_t popped = sizeof(uint64_t);
	uint64_t ret;
	int i;

	if (s->stack_len < 2 * sizeof(ret))
		return;
	up.h = s->h;
	memcpy(up.regs, s->regs, sizeof(up.regs));
#if PROF_REG_SP == 31	/* arm64: the return address is in x30 */
	ret = s->regs[30];
	popped = 0;
#else
	memcpy(&ret, s->stack, sizeof(ret));
#endif
	up.regs[PROF_REG_SP] = s->regs[PROF_REG_SP] + popped;
	up.regs[PROF_REG_IP] = ret;
	up.stack_len = s->stack_len - popped;
	memcpy(up.stack, s->stack + popped, up.stack_len);
	unwind_dwarf(u, dwfl, &up, &rest);
	/* the return address is no activation: look up its call */
	if (rest.n)
		rest.pc[0]--;
	for (i = 0; i < rest.n && w->n < MAX_FRAMES; i++)
		w->pc[w->n++] = rest.pc[i];
}

static void unwind_fp(const struct prof_sample *s, struct walk *w)
{
	uint32_t i, n = s->nr_ips < PROF_MAX_IPS ? s->nr_ips : PROF_MAX_IPS;

	w->n = 0;
	for (i = 0; i < n && s->ips[i]; i++)
		w->pc[w->n++] = i ? s->ips[i] - 1 : s->ips[i];
}

/*
 * Lowest address a return address can have: page 0 is never mapped, and
 * what a broken chain reads there (argc, a flag) is no code.
 */
#define MIN_CODE_ADDR 4096

enum pc_kind {
	PC_CODE,	/* in an executable segment of a module */
	PC_DATA,	/* in another segment of a module, or in page 0 */
	PC_UNKNOWN,	/* in no module (JIT code, a library loaded since) */
};

/*
 * What pc is. A module's range, as libdw has it from the maps, spans the
 * holes between its segments, where another library may have been loaded
 * since: a pc there is unknown, not data.
 */
static enum pc_kind pc_kind(Dwfl *dwfl, uint64_t pc)
{
	Dwfl_Module *mod = dwfl ? dwfl_addrmodule(dwfl, pc) : NULL;
	GElf_Addr bias;
	GElf_Phdr ph;
	size_t i, n;
	Elf *elf;

	if (pc < MIN_CODE_ADDR)
		return PC_DATA;
	if (!mod)
		return PC_UNKNOWN;
	elf = dwfl_module_getelf(mod, &bias);
	if (!elf || elf_getphdrnum(elf, &n))
		return PC_UNKNOWN;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (pc - bias >= ph.p_vaddr && pc - bias < ph.p_vaddr + ph.p_memsz)
			return ph.p_flags & PF_X ? PC_CODE : PC_DATA;
	}
	return PC_UNKNOWN;
}

/*
 * A chain that reaches data has left the stack's real frames: a frame
 * pointer that held something else (Go's rt0_go and systemstack keep no
 * frame), a slot past the frames. What it reads from there on is noise,
 * which named data symbols as callers; stop at the last frame before it.
 */
static void cut_at_data(Dwfl *dwfl, struct walk *w)
{
	int i;

	for (i = 1; i < w->n; i++)
		if (pc_kind(dwfl, w->pc[i]) == PC_DATA) {
			w->n = i;
			return;
		}
}

/* How many frames of w are known code. */
static int known_frames(Dwfl *dwfl, const struct walk *w)
{
	int i, k = 0;

	for (i = 0; dwfl && i < w->n; i++)
		k += pc_kind(dwfl, w->pc[i]) == PC_CODE;
	return k;
}

void unwind_clean_name(char *name)
{
	for (; *name; name++) {
		if (*name == ';')
			*name = ':';
		else if ((unsigned char)*name < 0x20 || *name == 0x7f)
			*name = '?';
	}
}

int unwind_perf_map_lookup(const char *text, uint64_t addr, char *name,
			   size_t len)
{
	const char *line, *nl;

	for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
		unsigned long long start, size;
		char *end;
		size_t n;

		nl = strchr(line, '\n');
		/* "START SIZE name", both hexadecimal, without 0x */
		errno = 0;
		start = strtoull(line, &end, 16);
		if (errno || end == line || *end != ' ')
			continue;
		line = end + 1;
		size = strtoull(line, &end, 16);
		if (errno || end == line || *end != ' ')
			continue;
		if (addr < start || addr - start >= size)
			continue;
		line = end + 1;
		n = nl ? (size_t)(nl - line) : strlen(line);
		if (n >= len)
			n = len - 1;
		memcpy(name, line, n);
		name[n] = '\0';
		return 0;
	}
	return -ENOENT;
}

static struct pc_name *pc_name_slot(struct pc_name *v, size_t cap,
				    uint64_t pc)
{
	size_t j;

	for (j = (pc * 0x9E3779B97F4A7C15ULL) >> 32 & (cap - 1);
	     v[j].pc && v[j].pc != pc; j = (j + 1) & (cap - 1))
		;
	return &v[j];
}

static const char *pc_name_get(const struct maps *m, uint64_t pc)
{
	struct pc_name *e;

	if (!m->capnames)
		return NULL;
	e = pc_name_slot(m->names, m->capnames, pc);
	return e->pc ? e->name : NULL;
}

/* Remember name for pc; without memory, only the cache is lost. */
static void pc_name_put(struct maps *m, uint64_t pc, const char *name)
{
	struct pc_name *v = m->names, *e;
	size_t i, cap = m->capnames;
	char *copy;

	if ((m->nnames + 1) * 2 > cap) {
		cap = cap ? cap * 2 : 256;
		v = calloc(cap, sizeof(*v));
		if (!v)
			return;
		for (i = 0; i < m->capnames; i++)
			if (m->names[i].pc)
				*pc_name_slot(v, cap, m->names[i].pc) =
					m->names[i];
		free(m->names);
		m->names = v;
		m->capnames = cap;
	}
	copy = strdup(name);
	if (!copy)
		return;
	e = pc_name_slot(m->names, m->capnames, pc);
	e->pc = pc;
	e->name = copy;
	m->nnames++;
}

/* m: the mappings dwfl was made from (their cache of names), or NULL. */
static void name_pc(struct unwinder *u, struct maps *m, Dwfl *dwfl,
		    uint32_t pid, uint64_t pc, char *name)
{
	const char *sym, *file, *base, *known = m ? pc_name_get(m, pc) : NULL;
	Dwfl_Module *mod;
	GElf_Off off;
	GElf_Sym esym;
	Dwarf_Addr start;
	struct proc *p;

	if (known) {
		snprintf(name, NAME_LEN, "%s", known);
		return;
	}
	mod = dwfl ? dwfl_addrmodule(dwfl, pc) : NULL;
	if (mod) {
		sym = dwfl_module_addrinfo(mod, pc, &off, &esym, NULL, NULL,
					   NULL);
		if (sym && *sym) {
			/* without the symbol version: memcpy@@GLIBC_2.14 */
			snprintf(name, NAME_LEN, "%.*s",
				 (int)strcspn(sym, "@"), sym);
		} else {
			file = dwfl_module_info(mod, NULL, &start, NULL, NULL,
						NULL, NULL, NULL);
			base = file ? strrchr(file, '/') : NULL;
			snprintf(name, NAME_LEN, "%s+0x%" PRIx64,
				 base ? base + 1 : file ? file : "?",
				 (uint64_t)(pc - start));
		}
		unwind_clean_name(name);
		/* a module's names hold for every process of these maps */
		if (m)
			pc_name_put(m, pc, name);
		return;
	}
	p = proc_get(u, pid, false);
	if (p && !p->perf_map_read) {
		char path[64];

		snprintf(path, sizeof(path), "/tmp/perf-%u.map", pid);
		p->perf_map = text_read(path);
		p->perf_map_read = true;
	}
	if (!p || !p->perf_map ||
	    unwind_perf_map_lookup(p->perf_map, pc, name, NAME_LEN))
		snprintf(name, NAME_LEN, "[unknown] 0x%" PRIx64, pc);
	unwind_clean_name(name);
}

/* The callers of s: DWARF CFI, or the frame-pointer walk if it goes further. */
static struct walk *unwind_walk(struct unwinder *u, Dwfl *dwfl,
				const struct prof_sample *s)
{
	static struct walk dw, fw;

	unwind_dwarf(u, dwfl, s, &dw);
	if (dw.n == 1)
		unwind_from_return(u, dwfl, s, &dw);
	unwind_fp(s, &fw);
	cut_at_data(dwfl, &dw);
	cut_at_data(dwfl, &fw);
	/* frame pointers win only where they reach further */
	return known_frames(dwfl, &fw) > known_frames(dwfl, &dw) ? &fw : &dw;
}

/* Whether p's maps may be read again now (see unwind_sample). */
static bool recapture_due(struct proc *p)
{
	struct timespec ts;
	uint64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	if (p->recaptured_ns && now - p->recaptured_ns < RECAPTURE_NS)
		return false;
	p->recaptured_ns = now;
	return true;
}

uint32_t unwind_sample(struct unwinder *u, const struct prof_sample *s,
		       const char *leaf, struct stacks *st)
{
	static char names[MAX_FRAMES + 2][NAME_LEN];
	const char *ptrs[MAX_FRAMES + 2];
	struct proc *p = proc_get(u, s->h.pid, false);
	struct maps *m = NULL;
	Dwfl *dwfl = NULL;
	struct walk *w;
	uint32_t n = 0;
	int i;

	if (!p || p->maps < 0)
		unwind_capture(u, s->h.pid, s->ppid);
	p = proc_get(u, s->h.pid, false);
	if (p && p->maps >= 0)
		dwfl = maps_dwfl(u, &u->maps[p->maps]);
	/*
	 * The maps were read at the process's first sample, often before the
	 * dynamic loader had mapped its libraries: a pc outside every module
	 * means they are out of date, so read them again while it lives.
	 */
	if (p && dwfl && s->regs[PROF_REG_IP] &&
	    !dwfl_addrmodule(dwfl, s->regs[PROF_REG_IP])) {
		unwind_capture(u, s->h.pid, s->ppid);
		if (p->maps >= 0)
			dwfl = maps_dwfl(u, &u->maps[p->maps]);
	}
	w = unwind_walk(u, dwfl, s);
	/*
	 * A caller in no module: a library loaded after the maps were read
	 * (Python imports _asyncio with dlopen), whose CFI and names are then
	 * unknown. Read them again, at most every RECAPTURE_NS: JIT code is
	 * in no module for good.
	 */
	if (p && dwfl && known_frames(dwfl, w) < w->n &&
	    recapture_due(p)) {
		unwind_capture(u, s->h.pid, s->ppid);
		dwfl = maps_dwfl(u, &u->maps[p->maps]);
		w = unwind_walk(u, dwfl, s);
	}
	m = p && dwfl ? &u->maps[p->maps] : NULL;

	snprintf(names[n], NAME_LEN, "%.*s", (int)sizeof(s->comm), s->comm);
	unwind_clean_name(names[n]);
	if (!names[n][0])
		strcpy(names[n], "?");
	ptrs[n] = names[n];
	n++;
	for (i = w->n - 1; i >= 0; i--, n++) {
		name_pc(u, m, dwfl, s->h.pid, w->pc[i], names[n]);
		ptrs[n] = names[n];
	}
	if (!w->n) {
		strcpy(names[n], "[no user stack]");
		ptrs[n] = names[n];
		n++;
	}
	if (leaf)
		ptrs[n++] = leaf;
	return stacks_intern_names(st, ptrs, n);
}
