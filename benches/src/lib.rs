//! Criterion benchmarks of the `validate` crate live in `benches/`.
