import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a process's large buffers come from. glibc maps an allocation of at least its mmap
/// threshold (128 KiB to start with) on its own and unmaps it when freed, but it raises the
/// threshold to the size of any mapped block freed, up to 32 MiB: after the first megabyte-sized
/// message, every later one is carved from an arena. A data center handles such messages in
/// bursts (a view change carries its prepared batches, a new-view three view changes, a block page
/// megabytes), on whichever of its threads happens to run, and the arenas they grew stay at their
/// high-water mark, so each burst left resident memory a step higher while what was live stayed
/// the same (`docs/protocol.md`, "Bounded memory"). Fixing the threshold keeps large buffers
/// mapped, so a burst gives its memory back when it ends.
public enum LargeAllocations {
    /// glibc's starting threshold, kept.
    public static let threshold = 128 << 10

    /// Fixes glibc's mmap threshold at `threshold` bytes, unless the environment already tunes it
    /// (`MALLOC_MMAP_THRESHOLD_` or `glibc.malloc.mmap_threshold` in `GLIBC_TUNABLES`); true if set.
    /// Elsewhere than glibc it does nothing.
    @discardableResult
    public static func mapAtOrAbove(_ threshold: Int = LargeAllocations.threshold) -> Bool {
        #if canImport(Glibc)
        let environment = ProcessInfo.processInfo.environment
        if environment["MALLOC_MMAP_THRESHOLD_"] != nil || environment["GLIBC_TUNABLES"]?.contains("mmap_threshold") == true { return false }
        // mallopt is declared in <malloc.h>, which Swift's Glibc module leaves out: looked up by name.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
        return unsafeBitCast(symbol, to: Mallopt.self)(mmapThreshold, Int32(clamping: threshold)) == 1
        #else
        return false
        #endif
    }
}
