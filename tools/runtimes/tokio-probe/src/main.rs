//! Where an idle tokio task's memory goes: N tasks sleeping S seconds, and
//! once they are all registered with the timer, one line with the
//! allocations made per task (a counting global allocator), the heap in
//! use per task, glibc's arena per task and the RSS per task.
//! Usage: probe N vec|detach|joinset multi|current

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

const SLOTS: usize = 32;
const ZERO: AtomicUsize = AtomicUsize::new(0);
static RECORD: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicUsize = ZERO;
// (size, align, count) of each distinct layout allocated while recording
static SIZES: [AtomicUsize; SLOTS] = [ZERO; SLOTS];
static ALIGNS: [AtomicUsize; SLOTS] = [ZERO; SLOTS];
static COUNTS: [AtomicUsize; SLOTS] = [ZERO; SLOTS];

struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if RECORD.load(Relaxed) {
            LIVE.fetch_add(l.size(), Relaxed);
            for i in 0..SLOTS {
                let s = SIZES[i].load(Relaxed);
                if s == 0 {
                    // the spawning thread records; others rarely allocate
                    SIZES[i].store(l.size(), Relaxed);
                    ALIGNS[i].store(l.align(), Relaxed);
                }
                if s == 0 || (s == l.size() && ALIGNS[i].load(Relaxed) == l.align()) {
                    COUNTS[i].fetch_add(1, Relaxed);
                    break;
                }
            }
        }
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        if RECORD.load(Relaxed) {
            LIVE.fetch_sub(l.size(), Relaxed);
        }
        System.dealloc(p, l)
    }
}

#[global_allocator]
static A: Counting = Counting;

/// glibc's struct mallinfo2: ten size_t fields.
#[repr(C)]
struct MallInfo2 {
    arena: usize,
    ordblks: usize,
    smblks: usize,
    hblks: usize,
    hblkhd: usize,
    usmblks: usize,
    fsmblks: usize,
    uordblks: usize,
    fordblks: usize,
    keepcost: usize,
}

extern "C" {
    fn mallinfo2() -> MallInfo2;
}

fn rss_bytes() -> usize {
    let s = std::fs::read_to_string("/proc/self/statm").expect("statm");
    let pages: usize = s.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

fn arena_bytes() -> usize {
    let m = unsafe { mallinfo2() };
    m.arena + m.hblkhd
}

fn report(n: usize, mode: &str, rss0: usize, arena0: usize) {
    let per = |b: usize| b as f64 / n as f64;
    let mut layouts = Vec::new();
    for i in 0..SLOTS {
        let c = COUNTS[i].load(Relaxed);
        if c >= n / 2 {
            let (s, a) = (SIZES[i].load(Relaxed), ALIGNS[i].load(Relaxed));
            layouts.push(format!("{:.2}x{s}B/align{a}", c as f64 / n as f64));
        }
    }
    println!(
        "mode={mode} n={n} allocs_per_task={} heap_per_task={:.0} arena_per_task={:.0} rss_per_task={:.0}",
        layouts.join("+"),
        per(LIVE.load(Relaxed)),
        per(arena_bytes().saturating_sub(arena0)),
        per(rss_bytes().saturating_sub(rss0)),
    );
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 4 {
        eprintln!("usage: probe N vec|detach|joinset multi|current");
        std::process::exit(2);
    }
    let n: usize = a[1].parse().expect("N");
    let mode = a[2].clone();
    let rt = match a[3].as_str() {
        "current" => tokio::runtime::Builder::new_current_thread(),
        _ => tokio::runtime::Builder::new_multi_thread(),
    }
    .enable_all()
    .build()
    .expect("runtime");
    rt.block_on(async move {
        let sleep = Duration::from_secs(6);
        // long enough for the workers to poll every task once
        let settle = Duration::from_secs(3);
        let (rss0, arena0) = (rss_bytes(), arena_bytes());
        RECORD.store(true, Relaxed);
        match mode.as_str() {
            "vec" => {
                let hs: Vec<_> = (0..n).map(|_| tokio::spawn(tokio::time::sleep(sleep))).collect();
                tokio::time::sleep(settle).await;
                report(n, &mode, rss0, arena0);
                for h in hs {
                    h.await.expect("sleep");
                }
            }
            "detach" => {
                for _ in 0..n {
                    drop(tokio::spawn(tokio::time::sleep(sleep)));
                }
                tokio::time::sleep(settle).await;
                report(n, &mode, rss0, arena0);
                tokio::time::sleep(sleep).await;
            }
            "joinset" => {
                let mut set = tokio::task::JoinSet::new();
                for _ in 0..n {
                    set.spawn(tokio::time::sleep(sleep));
                }
                tokio::time::sleep(settle).await;
                report(n, &mode, rss0, arena0);
                while set.join_next().await.is_some() {}
            }
            _ => {
                eprintln!("probe: unknown mode '{mode}'");
                std::process::exit(2);
            }
        }
    });
}
