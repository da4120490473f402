// Command vstreambench is the Go side of the real-client benchmark (BENCHMARKS.md, "A real
// client on a real vtgate"): a VStream consumer written the way Vitess's own clients are, with
// vtgateconn.VStream from the vitess.io/vitess module the local cluster runs. It streams one
// table of one keyspace from the copy phase, decodes every row into Go values, counts the
// copied rows until vtgate's final COPY_COMPLETED, then the live rows (events with a commit
// timestamp) until -live rows have come, and prints one RESULT line.
//
// It is not a module of its own: scripts/bench-go-client.sh builds it inside the cached
// Vitess module with `go build -overlay`, so it uses exactly Vitess's dependencies.
//
// Output (stdout, one line each, key=value):
//
//	COPIED rows=N                  when the copy phase is over (the harness then starts writing)
//	RESULT copyRows=... copyNanos=... copyCpuNanos=... firstRowNanos=... liveRows=... liveNanos=... liveCpuNanos=...
//
// copyNanos runs from just before the VStream call to the last copied row, copyCpuNanos is
// the process's CPU time (getrusage: user+system, all threads) over the same span;
// firstRowNanos from the VStream call to the first row. liveNanos and liveCpuNanos run from
// the first live row to the last.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"vitess.io/vitess/go/sqltypes"
	"vitess.io/vitess/go/vt/vtgate/vtgateconn"

	binlogdatapb "vitess.io/vitess/go/vt/proto/binlogdata"
	querypb "vitess.io/vitess/go/vt/proto/query"
	topodatapb "vitess.io/vitess/go/vt/proto/topodata"
	vtgatepb "vitess.io/vitess/go/vt/proto/vtgate"

	// registers the "grpc" vtgate protocol
	_ "vitess.io/vitess/go/vt/vtgate/grpcvtgateconn"
)

func main() {
	address := flag.String("vtgate", "127.0.0.1:18991", "vtgate gRPC address")
	keyspace := flag.String("keyspace", "commerce", "keyspace")
	table := flag.String("table", "bench_copy", "table to stream")
	live := flag.Int64("live", 200000, "live rows to receive after the copy")
	flag.Parse()
	if err := run(*address, *keyspace, *table, *live); err != nil {
		fmt.Fprintln(os.Stderr, "vstreambench:", err)
		fmt.Println("RESULT error=" + fmt.Sprint(err))
		os.Exit(1)
	}
}

// cpuNanos is this process's CPU time so far: user and system, all threads.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// sink keeps the decoded values alive, so the compiler cannot drop the decoding.
type sink struct {
	ints   int64
	floats float64
	chars  int
	secs   int64
}

// decode converts every value of a row to its Go type: integers to int64, decimals and
// floats to float64, DATETIME/TIMESTAMP/DATE to time.Time, everything else to a string.
func (s *sink) decode(fields []*querypb.Field, row *querypb.Row) error {
	for i, v := range sqltypes.MakeRowTrusted(fields, row) {
		switch {
		case v.IsNull():
		case v.IsIntegral():
			n, err := v.ToInt64()
			if err != nil {
				return err
			}
			s.ints += n
		case v.IsFloat() || v.IsDecimal():
			f, err := v.ToFloat64()
			if err != nil {
				return err
			}
			s.floats += f
		case v.IsDateTime() || v.IsTimestamp() || v.IsDate():
			t, err := v.ToTime(time.UTC)
			if err != nil {
				return fmt.Errorf("column %s: %w", fields[i].Name, err)
			}
			s.secs += t.Unix()
		default:
			s.chars += len(v.ToString())
		}
	}
	return nil
}

func run(address, keyspace, table string, live int64) error {
	ctx := context.Background()
	start := time.Now()
	cpuStart := cpuNanos()
	conn, err := vtgateconn.Dial(ctx, address)
	if err != nil {
		return err
	}
	defer conn.Close()
	// One ShardGtid with no shard and no GTID: every shard of the keyspace, copy first.
	vgtid := &binlogdatapb.VGtid{ShardGtids: []*binlogdatapb.ShardGtid{{Keyspace: keyspace}}}
	filter := &binlogdatapb.Filter{Rules: []*binlogdatapb.Rule{{Match: table, Filter: "select * from " + table}}}
	reader, err := conn.VStream(ctx, topodatapb.TabletType_PRIMARY, vgtid, filter, &vtgatepb.VStreamFlags{})
	if err != nil {
		return err
	}
	var s sink
	fields := map[string][]*querypb.Field{}
	var copyRows, liveRows int64
	var firstRow, lastCopyRow time.Duration
	var lastCopyCpu int64
	copying := true
	var liveStart, liveEnd time.Time
	var liveCpuStart, liveCpuEnd int64
	for liveRows < live {
		events, err := reader.Recv()
		if err == io.EOF {
			return fmt.Errorf("stream ended after %d copied and %d live rows", copyRows, liveRows)
		}
		if err != nil {
			return err
		}
		for _, ev := range events {
			switch ev.Type {
			case binlogdatapb.VEventType_FIELD:
				fields[ev.FieldEvent.TableName] = ev.FieldEvent.Fields
			case binlogdatapb.VEventType_ROW:
				f := fields[ev.RowEvent.TableName]
				if f == nil {
					return fmt.Errorf("row of %s before its fields", ev.RowEvent.TableName)
				}
				for _, change := range ev.RowEvent.RowChanges {
					if change.After == nil {
						continue
					}
					if err := s.decode(f, change.After); err != nil {
						return err
					}
					if copying && ev.Timestamp == 0 {
						if copyRows == 0 {
							firstRow = time.Since(start)
						}
						copyRows++
						continue
					}
					if liveRows == 0 {
						liveStart = time.Now()
						liveCpuStart = cpuNanos()
					}
					liveRows++
				}
				if copying && ev.Timestamp == 0 {
					lastCopyRow = time.Since(start)
					lastCopyCpu = cpuNanos()
				}
			case binlogdatapb.VEventType_COPY_COMPLETED:
				// vtgate sends one per shard, then one with neither keyspace nor shard for the whole stream.
				if copying && ev.Keyspace == "" && ev.Shard == "" {
					copying = false
					fmt.Printf("COPIED rows=%d\n", copyRows)
				}
			}
		}
		if liveRows > 0 {
			liveEnd = time.Now()
			liveCpuEnd = cpuNanos()
		}
	}
	fmt.Printf("RESULT copyRows=%d copyNanos=%d copyCpuNanos=%d firstRowNanos=%d liveRows=%d liveNanos=%d liveCpuNanos=%d sink=%d\n",
		copyRows, lastCopyRow.Nanoseconds(), lastCopyCpu-cpuStart, firstRow.Nanoseconds(), liveRows,
		liveEnd.Sub(liveStart).Nanoseconds(), liveCpuEnd-liveCpuStart,
		(s.ints+s.secs+int64(s.chars)+int64(s.floats))&1)
	return nil
}
