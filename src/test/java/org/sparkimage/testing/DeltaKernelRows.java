package org.sparkimage.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;

/**
 * A Delta table's rows as Delta Kernel (Delta's reader library for engines other than Spark, with
 * its default Parquet and JSON handlers) reads them: the latest snapshot, its log replayed, every
 * live file read and the deletion vectors and selection applied. Only the top-level scalar columns
 * are kept (strings, numbers, timestamps as microseconds), which is what a comparison needs.
 */
public final class DeltaKernelRows {
    private DeltaKernelRows() {}

    /** Every row of the table at {@code path} (any Hadoop URI), column name to value. */
    public static List<Map<String, Object>> read(String path, Configuration hadoop) throws IOException {
        Engine engine = DefaultEngine.create(hadoop);
        Snapshot snapshot = Table.forPath(engine, path).getLatestSnapshot(engine);
        Scan scan = snapshot.getScanBuilder().build();
        Row scanState = scan.getScanState(engine);
        StructType physical = ScanStateRow.getPhysicalDataReadSchema(scanState);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
            while (files.hasNext()) {
                try (CloseableIterator<Row> fileRows = files.next().getRows()) {
                    while (fileRows.hasNext()) {
                        Row file = fileRows.next();
                        FileStatus status = InternalScanFileUtils.getAddFileStatus(file);
                        CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
                                .readParquetFiles(Utils.singletonCloseableIterator(status), physical, Optional.empty())
                                .map(FileReadResult::getData);
                        try (CloseableIterator<FilteredColumnarBatch> logical = Scan.transformPhysicalData(engine, scanState, file, data)) {
                            while (logical.hasNext()) add(logical.next(), rows);
                        }
                    }
                }
            }
        }
        return rows;
    }

    private static void add(FilteredColumnarBatch batch, List<Map<String, Object>> rows) {
        ColumnarBatch data = batch.getData();
        StructType schema = data.getSchema();
        for (int i = 0; i < data.getSize(); i++) {
            if (batch.getSelectionVector().isPresent() && !batch.getSelectionVector().get().getBoolean(i)) continue;
            Map<String, Object> row = new LinkedHashMap<>();
            for (int c = 0; c < schema.length(); c++) {
                StructField f = schema.at(c);
                Object v = scalar(data.getColumnVector(c), i);
                if (v != SKIP) row.put(f.getName(), v);
            }
            rows.add(row);
        }
    }

    private static final Object SKIP = new Object();

    private static Object scalar(ColumnVector v, int i) {
        String type = v.getDataType().toString();
        if (type.startsWith("struct") || type.startsWith("array") || type.startsWith("map")) return SKIP;
        if (v.isNullAt(i)) return null;
        return switch (type) {
            case "string" -> v.getString(i);
            case "integer" -> v.getInt(i);
            case "long", "timestamp", "timestamp_ntz" -> v.getLong(i);
            case "float" -> v.getFloat(i);
            case "double" -> v.getDouble(i);
            case "boolean" -> v.getBoolean(i);
            default -> SKIP;
        };
    }
}
