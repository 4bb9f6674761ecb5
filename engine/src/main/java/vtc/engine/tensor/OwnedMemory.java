package vtc.engine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Off-heap memory the process owns, for weights: nothing another process does to a file can
 * change or unmap it, and the kernel never pages it back to a file.
 *
 * <p>On Linux the memory is an anonymous mapping from {@code mmap}, marked with
 * {@code madvise(MADV_HUGEPAGE)} before anything touches it, so it is faulted in as 2 MiB pages
 * where the system allows them (transparent huge pages in "madvise" mode): streaming gigabytes
 * of weights per token then misses the TLB 512 times less often. Both calls go through the FFM
 * linker to the C library; elsewhere (or if they fail) the memory comes from the arena as usual.
 * The memory is released when {@code arena} closes.
 */
public final class OwnedMemory {

    private static final long HUGE_PAGE = 2L << 20;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final MethodHandle MMAP;
    private static final MethodHandle MADVISE;
    private static final MethodHandle MUNMAP;

    static {
        MethodHandle mmap = null, madvise = null, munmap = null;
        if (System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                mmap = find(linker, libc.find("mmap"), FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_LONG));
                madvise = find(linker, libc.find("madvise"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
                munmap = find(linker, libc.find("munmap"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            } catch (RuntimeException | Error unavailable) {
                mmap = null; // e.g. native access disabled: fall back to the arena
            }
        }
        MMAP = mmap;
        MADVISE = madvise;
        MUNMAP = munmap;
    }

    private OwnedMemory() {
    }

    private static MethodHandle find(Linker linker, Optional<MemorySegment> symbol, FunctionDescriptor descriptor) {
        return linker.downcallHandle(symbol.orElseThrow(), descriptor);
    }

    /**
     * {@code bytes} of writable memory, 64-byte aligned at least (2 MiB where huge pages are
     * used), released with {@code arena}. Its contents are zero.
     */
    public static MemorySegment allocate(Arena arena, long bytes) {
        if (bytes <= 0) {
            return arena.allocate(Math.max(bytes, 1), 64);
        }
        if (MMAP != null && bytes >= HUGE_PAGE) {
            MemorySegment mapped = anonymousMapping(arena, bytes);
            if (mapped != null) {
                return mapped;
            }
        }
        return arena.allocate(bytes, 64);
    }

    private static MemorySegment anonymousMapping(Arena arena, long bytes) {
        long length = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        try {
            MemorySegment at = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, length + HUGE_PAGE,
                    PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (at.address() == -1L || at.address() == 0L) {
                return null;
            }
            // Over-allocated by one huge page so the part handed out starts on a 2 MiB boundary.
            long start = (at.address() + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
            int ignoredIfUnsupported = (int) MADVISE.invokeExact(MemorySegment.ofAddress(start), length, MADV_HUGEPAGE);
            long total = length + HUGE_PAGE;
            MemorySegment whole = at.reinterpret(total, arena, region -> unmap(region, total));
            return whole.asSlice(start - at.address(), bytes);
        } catch (Throwable t) {
            return null;
        }
    }

    private static void unmap(MemorySegment region, long bytes) {
        try {
            int ignored = (int) MUNMAP.invokeExact(region, bytes);
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed", t);
        }
    }
}
