package io.ann4j.spark;

import io.ann4j.dsl.Metric;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import io.ann4j.dsl.TopKAccumulator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A database of embeddings sharded over the partitions of a Spark RDD, searched with ann4j's
 * approximate top-k: the seed's pmap program, with Spark partitions in place of devices.
 *
 * <pre>{@code
 * JavaSparkContext sc = new JavaSparkContext("local[2]", "ann");
 * try (DistributedIndex index = DistributedIndex.fromRows(sc, database, 8)) {   // f32[N, D], 8 partitions
 *     TopK r = index.search(queries, 10, 0.95, Metric.IP);   // global indices, best first
 *     INDArray neighbours = r.indicesArray();                 // i32[Q, 10]
 * }
 * }</pre>
 *
 * <p>How a search runs: the driver traces the per-shard program ({@code approxMaxK} or
 * {@code approxMinK} over the metric's scores, {@code reductionDimension = 1},
 * {@code reductionInputSizeOverride} = the global database size, {@code k' = min(k, shardRows)})
 * once per distinct shard row count, read from the block metadata collected when the index was
 * built, and broadcasts the graphs with the queries. Each executor compiles each graph once and
 * caches the executable for the life of its JVM; each partition task runs it on its blocks one
 * by one, shifts the indices by the block's offset and folds them into a {@link TopKAccumulator};
 * the driver merges the partitions' accumulators with {@code treeReduce}. The merge is exact over
 * its candidates, so at {@code recallTarget = 1} the answer equals the exact search of the whole
 * database on one device, values and indices, however the rows are sharded.
 *
 * <p>The index caches its blocks ({@code MEMORY_ONLY}) unless they were already persisted;
 * {@link #close()} unpersists what it cached. Global indices are i32, as ann4j's, so the database
 * holds fewer than 2^31 rows.
 */
public final class DistributedIndex implements AutoCloseable {
    /** Rows per block when the caller does not choose: about 32 MiB of floats per block. */
    static final long DEFAULT_BLOCK_FLOATS = 8L << 20;

    private final JavaRDD<RowBlock> blocks;
    private final List<ShardInfo> shards;
    private final long size;
    private final boolean cachedHere;
    private final boolean fuse;
    private final Map<String, String> backendOptions;
    /** The backend the executors compile for; null: the default of each executor's JVM. */
    private final String backend;
    /** Traced per-shard graphs of earlier searches (the driver traces each shape once). */
    private final Map<List<Object>, Graph> traced = new java.util.concurrent.ConcurrentHashMap<>();

    private DistributedIndex(JavaRDD<RowBlock> blocks, List<ShardInfo> shards, long size, boolean cachedHere,
                             boolean fuse, Map<String, String> backendOptions, String backend) {
        this.backend = backend;
        this.blocks = blocks;
        this.shards = shards;
        this.size = size;
        this.cachedHere = cachedHere;
        this.fuse = fuse;
        this.backendOptions = Map.copyOf(backendOptions);
    }

    // ---- building ----

    /**
     * An index over the rows of {@code db} ({@code f32[N, D]}), split into {@code partitions}
     * contiguous shards of (nearly) equal size, each stored as blocks of about 32 MiB.
     */
    public static DistributedIndex fromRows(JavaSparkContext sc, INDArray db, int partitions) {
        return fromRows(sc, db, partitions, defaultBlockRows(db == null || db.rank() != 2 ? 1 : db.size(1)));
    }

    /** An index over the rows of {@code db}, a {@code float[N][D]}; see {@link #fromRows(JavaSparkContext, INDArray, int)}. */
    public static DistributedIndex fromRows(JavaSparkContext sc, float[][] db, int partitions) {
        return fromRows(sc, Tensor.of(db).array(), partitions);
    }

    /**
     * An index over the rows of {@code db} ({@code f32[N, D]}) in {@code partitions} contiguous
     * shards of (nearly) equal size, each stored as blocks of at most {@code blockRows} rows.
     * Partitions beyond the number of rows stay empty. A BFLOAT16 or HALF {@code db} stays half
     * precision in its blocks ({@link RowBlock#ofHalf}): half the memory, and the searches read the
     * 16-bit rows (recall against f32 search: see the README's half-precision section).
     */
    @SuppressWarnings("deprecation") // DataType.HALF is ND4J's only name for IEEE f16
    public static DistributedIndex fromRows(JavaSparkContext sc, INDArray db, int partitions, int blockRows) {
        if (sc == null) {
            throw new IllegalArgumentException("fromRows: sc (the JavaSparkContext) must not be null");
        }
        if (db == null || db.rank() != 2 || db.size(0) < 1 || db.size(1) < 1) {
            throw new IllegalArgumentException("fromRows: db must be a non-empty matrix [rows, dim], got "
                    + (db == null ? "null" : Arrays.toString(db.shape())));
        }
        if (!db.dataType().isFPType()) {
            throw new IllegalArgumentException("fromRows: db must hold floating-point values, got " + db.dataType()
                    + " " + Arrays.toString(db.shape()));
        }
        if (partitions < 1 || blockRows < 1) {
            throw new IllegalArgumentException("fromRows: need partitions >= 1 and blockRows >= 1, got partitions="
                    + partitions + ", blockRows=" + blockRows);
        }
        if (db.size(0) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("fromRows: db has " + db.size(0) + " rows; indices are i32, so at most "
                    + Integer.MAX_VALUE);
        }
        int n = (int) db.size(0);
        int d = Math.toIntExact(db.size(1));
        // A bf16 or f16 database stays half precision in its blocks; anything else is stored in f32.
        io.ann4j.compiler.ir.DType half = db.dataType() == org.nd4j.linalg.api.buffer.DataType.BFLOAT16
                ? io.ann4j.compiler.ir.DType.BF16
                : db.dataType() == org.nd4j.linalg.api.buffer.DataType.HALF ? io.ann4j.compiler.ir.DType.F16 : null;
        INDArray f32 = half != null ? db.dup('c') : db.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        // Every partition gets the same number of blocks (some may be empty) so that
        // parallelize's even slicing puts exactly one shard's blocks in each partition.
        int largest = (n + partitions - 1) / partitions;
        int perPartition = Math.max(1, (largest + blockRows - 1) / blockRows);
        List<RowBlock> list = new ArrayList<>(partitions * perPartition);
        for (int p = 0; p < partitions; p++) {
            int start = (int) ((long) n * p / partitions);
            int end = (int) ((long) n * (p + 1) / partitions);
            for (int b = 0; b < perPartition; b++) {
                int from = Math.min(end, start + b * blockRows);
                int to = Math.min(end, from + blockRows);
                if (half != null) {
                    list.add(RowBlock.ofHalf(from, to - from, d, half, halfBits(f32, from, to, d)));
                    continue;
                }
                float[] data = to > from
                        ? f32.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup('c').data().asFloat()
                        : new float[0];
                list.add(new RowBlock(from, to - from, d, data));
            }
        }
        return fromBlocks(sc.parallelize(list, partitions));
    }

    /**
     * An index over row blocks already in Spark (any number per partition, any sizes, empty
     * partitions allowed). The blocks' row ranges must not overlap; their total is the database
     * size the search plans its recall for. Collects the blocks' metadata (one job) and caches
     * the RDD unless it is persisted already.
     */
    public static DistributedIndex fromBlocks(JavaRDD<RowBlock> blocks) {
        if (blocks == null) {
            throw new IllegalArgumentException("fromBlocks: blocks must not be null");
        }
        boolean cache = blocks.getStorageLevel().equals(StorageLevel.NONE());
        if (cache) {
            blocks.persist(StorageLevel.MEMORY_ONLY());
        }
        List<ShardInfo> shards = new ArrayList<>(blocks.mapPartitionsWithIndex(DistributedIndex::describe, true).collect());
        List<ShardInfo> byOffset = new ArrayList<>(shards);
        byOffset.removeIf(s -> s.rows() == 0);
        byOffset.sort(Comparator.comparingLong(ShardInfo::offset));
        long total = 0;
        for (int i = 0; i < byOffset.size(); i++) {
            ShardInfo s = byOffset.get(i);
            if (i > 0 && s.offset() < byOffset.get(i - 1).end()) {
                failAndRelease(blocks, cache, "fromBlocks: " + byOffset.get(i - 1).describe() + " and " + s.describe()
                        + " overlap; every database row must be in one block");
            }
            if (s.end() > Integer.MAX_VALUE) {
                failAndRelease(blocks, cache, "fromBlocks: " + s.describe() + " ends past row " + Integer.MAX_VALUE
                        + "; indices are i32");
            }
            total += s.rows();
        }
        for (ShardInfo s : byOffset) {
            if (s.dtype() != byOffset.get(0).dtype()) {
                failAndRelease(blocks, cache, "fromBlocks: " + byOffset.get(0).describe() + " and " + s.describe()
                        + " differ in dtype; every block of an index must be stored alike (f32, bf16 or f16)");
            }
        }
        if (total == 0) {
            failAndRelease(blocks, cache, "fromBlocks: the database is empty (" + shards.size() + " blocks in "
                    + blocks.getNumPartitions() + " partitions, no rows)");
        }
        return new DistributedIndex(blocks, List.copyOf(shards), total, cache, true, Map.of(), null);
    }

    /**
     * An index over a DataFrame with one embedding per row: column {@code vectorColumn} holds
     * {@code array<float>} or {@code array<double>}, and row {@code i} (in the Dataset's order,
     * as {@code zipWithIndex} numbers it) is database row {@code i}.
     */
    public static DistributedIndex fromDataset(Dataset<Row> rows, String vectorColumn) {
        if (rows == null || vectorColumn == null) {
            throw new IllegalArgumentException("fromDataset: rows and vectorColumn must not be null");
        }
        if (!Arrays.asList(rows.columns()).contains(vectorColumn)) {
            throw new IllegalArgumentException("fromDataset: no column '" + vectorColumn + "' in " + rows.schema().simpleString());
        }
        DataType type = rows.schema().apply(vectorColumn).dataType();
        if (!(type instanceof ArrayType a) || !(a.elementType().equals(DataTypes.FloatType)
                || a.elementType().equals(DataTypes.DoubleType))) {
            throw new IllegalArgumentException("fromDataset: column '" + vectorColumn + "' must be array<float> or "
                    + "array<double>, got " + type.simpleString());
        }
        int blockRows = (int) Math.max(1, DEFAULT_BLOCK_FLOATS / 1024);
        return fromBlocks(rows.select(vectorColumn).javaRDD().zipWithIndex()
                .mapPartitions(it -> new DatasetBlocks(it, blockRows), true));
    }

    /**
     * The same index with a backend compile option for its searches, e.g.
     * {@code withCompileOption("cpu.selection", "bins")} for the TPU's binned algorithm.
     */
    public DistributedIndex withCompileOption(String key, String value) {
        if (key == null || value == null) {
            throw new IllegalArgumentException("withCompileOption: key and value must not be null");
        }
        Map<String, String> options = new HashMap<>(backendOptions);
        options.put(key, value);
        return new DistributedIndex(blocks, shards, size, false, fuse, options, backend);
    }

    /**
     * The same index searched with the named backend on every executor ({@code cpu}, {@code tpu},
     * or a third party's); without this, each executor uses its JVM's default
     * ({@code -Dann4j.backend}, else the best available).
     *
     * @throws IllegalArgumentException when no backend of that name is available here, listing those that are
     */
    public DistributedIndex withBackend(String name) {
        if (name == null || !io.ann4j.compiler.spi.Backends.available().contains(name)) {
            throw new IllegalArgumentException("withBackend: no backend named '" + name + "' is available; expected one of "
                    + io.ann4j.compiler.spi.Backends.available());
        }
        return new DistributedIndex(blocks, shards, size, false, fuse, backendOptions, name);
    }

    /** The backend the executors compile for, or null for each executor's default. */
    public String backend() {
        return backend;
    }

    // ---- searching ----

    /**
     * The {@code k} nearest rows of each query: values ({@code f32[Q, k]}, best first) and global
     * row indices ({@code i32[Q, k]}), with ann4j's approximate top-k at {@code recallTarget}
     * planned for the whole database. At {@code recallTarget = 1} it is the exact answer.
     *
     * @param queries f32 {@code [Q, D]}, D the database's dimension
     * @param k       results per query, {@code 1 <= k <= size()} (a shard may hold fewer than k rows)
     * @throws IllegalArgumentException for bad arguments, or a shard whose dimension is not D
     */
    public TopK search(INDArray queries, int k, double recallTarget, Metric metric) {
        if (metric == null) {
            throw new IllegalArgumentException("search: metric must be IP, L2 or COSINE, got null");
        }
        if (queries == null || queries.rank() != 2 || queries.size(0) < 1 || queries.size(1) < 1) {
            throw new IllegalArgumentException("search: queries must be a non-empty matrix [queries, dim], got "
                    + (queries == null ? "null" : Arrays.toString(queries.shape())));
        }
        if (!queries.dataType().isFPType()) {
            throw new IllegalArgumentException("search: queries must hold floating-point values, got "
                    + queries.dataType() + " " + Arrays.toString(queries.shape()));
        }
        if (k < 1 || k > size) {
            throw new IllegalArgumentException("search: k must be in [1, " + size + "] (the database size), got " + k);
        }
        if (!(recallTarget > 0 && recallTarget <= 1)) {
            throw new IllegalArgumentException("search: recallTarget must be in (0, 1], got " + recallTarget);
        }
        int q = Math.toIntExact(queries.size(0));
        int d = Math.toIntExact(queries.size(1));
        for (ShardInfo s : shards) {
            if (s.rows() > 0 && s.dim() != d) {
                throw new IllegalArgumentException("search: " + s.describe() + " has dimension " + s.dim()
                        + " but the queries are f32[" + q + ", " + d + "]; every shard must have the queries' dimension");
            }
        }
        JitConfig config = JitConfig.defaults().backend(backend).fuse(fuse);
        for (Map.Entry<String, String> e : backendOptions.entrySet()) {
            config = config.option(e.getKey(), e.getValue());
        }
        io.ann4j.compiler.ir.DType storage = shards.stream().filter(s -> s.rows() > 0).map(ShardInfo::dtype)
                .findFirst().orElse(io.ann4j.compiler.ir.DType.F32);
        Map<Integer, Graph> graphs = new HashMap<>();
        TreeSet<Integer> rowCounts = new TreeSet<>();
        shards.stream().filter(s -> s.rows() > 0).forEach(s -> rowCounts.add(s.rows()));
        for (int rows : rowCounts) {
            JitConfig c = config;
            graphs.put(rows, traced.computeIfAbsent(List.of(metric, q, d, rows, storage, k, recallTarget),
                    key -> ShardProgram.trace(metric, q, d, rows, storage, k, recallTarget, size, c)));
        }
        float[] qy = queries.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
        SearchPlan plan = new SearchPlan(graphs, qy, q, d, k, metric.largestIsBest(), fuse, new HashMap<>(backendOptions), backend);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(blocks.context());
        Broadcast<SearchPlan> shipped = sc.broadcast(plan);
        try {
            TopKAccumulator merged = blocks.mapPartitions(new SearchTask(shipped), true).treeReduce(TopKAccumulator::merge);
            return merged.result();
        } finally {
            shipped.destroy();
        }
    }

    /** {@link #search(INDArray, int, double, Metric)} on a {@code float[Q][D]}. */
    public TopK search(float[][] queries, int k, double recallTarget, Metric metric) {
        return search(Tensor.of(queries).array(), k, recallTarget, metric);
    }

    // ---- what it holds ----

    /** The number of database rows (the sum over the blocks). */
    public long size() {
        return size;
    }

    /** The blocks, one {@link ShardInfo} each, in partition order. */
    public List<ShardInfo> shards() {
        return shards;
    }

    /** The number of Spark partitions the database is sharded over. */
    public int numPartitions() {
        return blocks.getNumPartitions();
    }

    /** The row blocks, as an RDD. */
    public JavaRDD<RowBlock> blocks() {
        return blocks;
    }

    /** Unpersists the blocks if this index cached them; the index must not be searched afterwards. */
    @Override
    public void close() {
        if (cachedHere) {
            blocks.unpersist(false);
        }
    }

    // ---- helpers ----

    static int defaultBlockRows(long dim) {
        return (int) Math.max(1, DEFAULT_BLOCK_FLOATS / Math.max(1, dim));
    }

    /** Rows {@code [from, to)} of a dense c-order half array, as raw 16-bit elements. */
    @SuppressWarnings("restricted") // a view of the dense array's own buffer, read while it is reachable
    private static short[] halfBits(INDArray dense, int from, int to, int d) {
        short[] bits = new short[(to - from) * d];
        java.lang.foreign.MemorySegment.copy(java.lang.foreign.MemorySegment.ofAddress(dense.data().address())
                        .reinterpret(2L * dense.length()), java.lang.foreign.ValueLayout.JAVA_SHORT, 2L * from * d, bits, 0,
                bits.length);
        return bits;
    }

    private static Iterator<ShardInfo> describe(int partition, Iterator<RowBlock> it) {
        List<ShardInfo> out = new ArrayList<>();
        int i = 0;
        while (it.hasNext()) {
            RowBlock b = it.next();
            out.add(new ShardInfo(partition, i++, b.offset(), b.rows(), b.dim(), b.dtype()));
        }
        return out.iterator();
    }

    private static void failAndRelease(JavaRDD<RowBlock> blocks, boolean cachedHere, String message) {
        if (cachedHere) {
            blocks.unpersist(false);
        }
        throw new IllegalArgumentException(message);
    }
}
