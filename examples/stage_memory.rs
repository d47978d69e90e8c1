//! Time, heap and resident memory of each stage of the pipeline, for the
//! per-stage numbers in docs/performance.md:
//!
//! ```sh
//! cargo run --release --example stage_memory -- FILE.fz
//! cargo run --release --example stage_memory -- --chain-and-loose 15000 15000
//! ```
//!
//! "time" is the stage's wall time, "live" what the pipeline holds (counted
//! by a wrapper around the system allocator), "peak" the most it held during
//! the stage, "rss" and "hwm" what the kernel counts for the process (Linux
//! only; 0 elsewhere). A third argument, `--generate NODES LANES`, draws a
//! generated diagram instead.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; the
// wrapper only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        PEAK.fetch_max(LIVE.fetch_add(layout.size(), Relaxed) + layout.size(), Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: `pointer` came from `alloc` with this layout.
        unsafe { System.dealloc(pointer, layout) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        PEAK.fetch_max(LIVE.fetch_add(size, Relaxed) + size, Relaxed);
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: `pointer` came from `alloc` with this layout.
        unsafe { System.realloc(pointer, layout, size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A field of /proc/self/status in MB.
fn status_mb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kilobytes = status
        .lines()
        .find(|line| line.starts_with(field))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|value| value.parse::<u64>().ok());
    kilobytes.unwrap_or(0) / 1024
}

fn report(stage: &str, started: &mut std::time::Instant) {
    let mb = |bytes: usize| bytes as f64 / 1e6;
    let elapsed = started.elapsed();
    *started = std::time::Instant::now();
    println!(
        "{stage:<9} time {:8.1} ms   live {:6.1} MB   peak {:6.1} MB   rss {:4} MB   hwm {:4} MB",
        elapsed.as_secs_f64() * 1000.0,
        mb(LIVE.load(Relaxed)),
        mb(PEAK.load(Relaxed)),
        status_mb("VmRSS:"),
        status_mb("VmHWM:")
    );
    PEAK.store(LIVE.load(Relaxed), Relaxed);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = match args.as_slice() {
        [flag, nodes, lanes] if flag == "--generate" => {
            let (Ok(nodes), Ok(lanes)) = (nodes.parse(), lanes.parse()) else {
                eprintln!("usage: stage_memory --generate NODES LANES");
                std::process::exit(2);
            };
            flowzap::synth::swimlane_text(nodes, lanes, 42)
        }
        [flag, chain, loose] if flag == "--chain-and-loose" => {
            let (Ok(chain), Ok(loose)) = (chain.parse(), loose.parse()) else {
                eprintln!("usage: stage_memory --chain-and-loose CHAIN LOOSE");
                std::process::exit(2);
            };
            flowzap::synth::chain_and_loose_text(chain, loose)
        }
        [path] => match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("cannot read {path}: {error}");
                std::process::exit(2);
            }
        },
        _ => {
            eprintln!("usage: stage_memory FILE.fz | --chain-and-loose CHAIN LOOSE | --generate NODES LANES");
            std::process::exit(2);
        }
    };
    let mut started = std::time::Instant::now();
    report("text", &mut started);
    let document = flowzap::Document::new(text);
    let _ = document.diagnostics();
    report("load", &mut started);
    let _ = document.analysis();
    report("analysis", &mut started);
    let _ = document.layout();
    report("layout", &mut started);
    let written = document.write_svg(flowzap::Theme::Light, &mut std::io::sink());
    report("svg", &mut started);
    if let Err(error) = written {
        eprintln!("nothing drawn: {error}");
        std::process::exit(1);
    }
}
