import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a process's memory comes from glibc's allocator, set at start.
///
/// Large buffers. glibc maps an allocation of at least its mmap threshold (128 KiB to start
/// with) on its own and unmaps it when freed, but it raises the threshold to the size of any
/// mapped block freed, up to 32 MiB: after the first megabyte-sized message, every later one is
/// carved from an arena. A data center handles such messages in bursts (a view change carries its
/// prepared batches, a new-view three view changes, a block page megabytes), on whichever of its
/// threads happens to run, and the arenas they grew stay at their high-water mark, so each burst
/// left resident memory a step higher while what was live stayed the same (`docs/protocol.md`,
/// "Bounded memory"). `mapLargeBuffers` fixes the threshold, so a burst gives its memory back.
///
/// Arenas. glibc gives threads that contend for the allocator arenas of their own, up to eight
/// per core, and each keeps its own high-water mark. The ledger's threads (the cooperative pool,
/// one per socket, libzmq's) touch many of them in a burst, so each view change could still leave
/// a few MiB more resident. `limitArenas` caps them at one per core: a last resort, taken because
/// with every collection and every burst bounded the soak still stepped up at view changes, and
/// with the cap it stays flat.
///
/// Either is skipped when the environment sets it (`MALLOC_MMAP_THRESHOLD_`, `MALLOC_ARENA_MAX`,
/// or `GLIBC_TUNABLES`), and does nothing elsewhere than glibc.
public enum LargeAllocations {
    /// glibc's starting threshold, kept.
    public static let threshold = 128 << 10

    /// Fixes glibc's mmap threshold at `threshold` bytes; true if set.
    @discardableResult
    public static func mapLargeBuffers(from threshold: Int = LargeAllocations.threshold) -> Bool {
        mallopt(-3 /* M_MMAP_THRESHOLD */, threshold, unlessSetBy: "MALLOC_MMAP_THRESHOLD_", tunable: "mmap_threshold")
    }

    /// Caps glibc's arenas at `count` (one per core unless given); true if set. Call it before
    /// the process starts threads.
    @discardableResult
    public static func limitArenas(to count: Int = ProcessInfo.processInfo.activeProcessorCount) -> Bool {
        mallopt(-8 /* M_ARENA_MAX */, max(1, count), unlessSetBy: "MALLOC_ARENA_MAX", tunable: "arena_max")
    }

    private static func mallopt(_ parameter: Int32, _ value: Int, unlessSetBy variable: String, tunable: String) -> Bool {
        #if canImport(Glibc)
        let environment = ProcessInfo.processInfo.environment
        if environment[variable] != nil || environment["GLIBC_TUNABLES"]?.contains(tunable) == true { return false }
        // mallopt is declared in <malloc.h>, which Swift's Glibc module leaves out: looked up by name.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        return unsafeBitCast(symbol, to: Mallopt.self)(parameter, Int32(clamping: value)) == 1
        #else
        return false
        #endif
    }
}
