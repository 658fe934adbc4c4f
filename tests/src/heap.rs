//! A counting global allocator for memory figures: the heap bytes each
//! thread holds and their high-water mark (per thread, so tests running
//! side by side do not count each other's memory; work measured with it
//! allocates and frees on one thread). A test, benchmark or tool
//! that reports peak memory installs it with
//!
//! ```ignore
//! #[global_allocator]
//! static HEAP: validate_tests::heap::Counting = validate_tests::heap::Counting;
//! ```
//!
//! and brackets the work with [`Peak::start`] and [`Peak::bytes`].

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting the bytes held and their peak.
pub struct Counting;

thread_local! {
    // Const-initialised cells without destructors: reading them never
    // allocates, so the allocator can use them.
    static HELD: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged; the counters never change the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) };
        shrink(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            shrink(layout.size());
            grow(new_size);
        }
        p
    }
}

fn grow(bytes: usize) {
    let bytes = isize::try_from(bytes).unwrap_or(isize::MAX);
    // `try_with`: a thread being torn down has no counters left.
    let _ = HELD.try_with(|held| {
        let now = held.get().saturating_add(bytes);
        held.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

fn shrink(bytes: usize) {
    let bytes = isize::try_from(bytes).unwrap_or(isize::MAX);
    let _ = HELD.try_with(|held| held.set(held.get().saturating_sub(bytes)));
}

/// The peak heap of a stretch of work on this thread, above what the
/// thread held when it began (only meaningful with [`Counting`] installed).
pub struct Peak {
    base: isize,
}

impl Peak {
    /// Starts a measurement: the high-water mark is reset to what is held now.
    pub fn start() -> Self {
        let base = HELD.with(Cell::get);
        PEAK.with(|peak| peak.set(base));
        Peak { base }
    }

    /// Peak bytes held since [`Peak::start`], above the bytes held then.
    pub fn bytes(&self) -> usize {
        let peak = PEAK.with(Cell::get).saturating_sub(self.base);
        usize::try_from(peak).unwrap_or(0)
    }
}
