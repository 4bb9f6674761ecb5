package vtc.loaders.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The merge loop shared by both BPE flavours: keep merging the adjacent pair with the best
 * (lowest) priority, the leftmost one on ties, until no adjacent pair can merge. Symbols sit in a
 * linked list and candidate pairs in a priority queue, so a long word costs O(n log n) instead of
 * the O(n²) of rescanning the word after every merge.
 *
 * @param <S> a symbol: a token id (Hugging Face merges) or a piece string (SentencePiece scores)
 */
final class PairMerger<S> {

    /** What merging {@code left} and {@code right} gives, or null if they do not merge. */
    interface Rule<S> {
        Merge<S> merge(S left, S right);
    }

    /** A possible merge: lower {@code priority} merges first. */
    record Merge<S>(double priority, S merged) {
    }

    private static final class Node<S> {
        S symbol;
        final int position;
        int version;
        boolean alive = true;
        Node<S> prev;
        Node<S> next;

        Node(S symbol, int position) {
            this.symbol = symbol;
            this.position = position;
        }
    }

    /** A pair as it was when queued; stale once either node changed or died. */
    private record Candidate<S>(Node<S> left, Node<S> right, int leftVersion, int rightVersion, Merge<S> merge) {
        boolean isCurrent() {
            return left.alive && right.alive && left.next == right
                    && left.version == leftVersion && right.version == rightVersion;
        }
    }

    private final Rule<S> rule;
    private final PriorityQueue<Candidate<S>> queue = new PriorityQueue<>(
            Comparator.<Candidate<S>>comparingDouble(c -> c.merge().priority())
                    .thenComparingInt(c -> c.left().position));

    private PairMerger(Rule<S> rule) {
        this.rule = rule;
    }

    static <S> List<S> mergeAll(List<S> symbols, Rule<S> rule) {
        return new PairMerger<>(rule).run(symbols);
    }

    private List<S> run(List<S> symbols) {
        if (symbols.size() < 2) {
            return symbols;
        }
        Node<S> head = link(symbols);
        for (Node<S> n = head; n.next != null; n = n.next) {
            offer(n, n.next);
        }
        while (!queue.isEmpty()) {
            Candidate<S> best = queue.poll();
            if (best.isCurrent()) {
                apply(best);
            }
        }
        List<S> merged = new ArrayList<>();
        for (Node<S> n = head; n != null; n = n.next) {
            merged.add(n.symbol);
        }
        return merged;
    }

    private Node<S> link(List<S> symbols) {
        Node<S> head = null;
        Node<S> last = null;
        for (int i = 0; i < symbols.size(); i++) {
            Node<S> node = new Node<>(symbols.get(i), i);
            if (last == null) {
                head = node;
            } else {
                last.next = node;
                node.prev = last;
            }
            last = node;
        }
        return head;
    }

    /** The left node takes the merged symbol, the right node leaves the list. */
    private void apply(Candidate<S> c) {
        Node<S> left = c.left();
        Node<S> right = c.right();
        left.symbol = c.merge().merged();
        left.version++;
        right.alive = false;
        left.next = right.next;
        if (right.next != null) {
            right.next.prev = left;
        }
        if (left.prev != null) {
            offer(left.prev, left);
        }
        if (left.next != null) {
            offer(left, left.next);
        }
    }

    private void offer(Node<S> left, Node<S> right) {
        Merge<S> merge = rule.merge(left.symbol, right.symbol);
        if (merge != null) {
            queue.add(new Candidate<>(left, right, left.version, right.version, merge));
        }
    }
}
