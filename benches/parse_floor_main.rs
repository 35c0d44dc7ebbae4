//! The parse floor as a program (see `parse_floor.rs`), with the allocator the `iamlint`
//! binary uses, so that the floor and iamlint are compared allocator for allocator.

#[path = "parse_floor.rs"]
mod parse_floor;

#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    parse_floor::main()
}
