//! The parse floor (see `parse_floor.rs`) with the allocator the `iamlint` binary uses,
//! so that the floor and iamlint can also be compared allocator for allocator.
//! `benches/run.sh` measures both floors.

#[path = "parse_floor.rs"]
mod parse_floor;

#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    parse_floor::main()
}
