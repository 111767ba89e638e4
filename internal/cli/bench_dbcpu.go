package cli

import (
	"context"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fresco-cx/fresco/internal/store"
)

// dbCPUMeter reads the CPU time of the PostgreSQL backends that serve the
// bench's database, when the PostgreSQL server runs on this machine: on
// PostgreSQL most of a page's cost is there, outside the bench process, so
// cpu_ms alone would hide exactly what a slow plan costs. It asks the server
// for the backends' process ids on a connection of its own (left out of the
// sum) and reads each one's time on CPU from /proc.
type dbCPUMeter struct {
	conn *pgx.Conn
}

// newDBCPUMeter connects to a PostgreSQL database; nil (no meter) on SQLite,
// where the database's CPU is already the process's, and when the server's
// processes cannot be read here (another machine, another container).
func newDBCPUMeter(ctx context.Context, db *store.DB, dbURL string) *dbCPUMeter {
	if db.Dialect() != store.Postgres {
		return nil
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil
	}
	m := &dbCPUMeter{conn: conn}
	if _, ok := m.sample(ctx); !ok {
		conn.Close(ctx)
		return nil
	}
	return m
}

func (m *dbCPUMeter) close(ctx context.Context) {
	if m != nil {
		m.conn.Close(ctx)
	}
}

// sample is the time on CPU so far of every client backend connected to the
// database, by process id; false when none could be read.
func (m *dbCPUMeter) sample(ctx context.Context) (map[int]time.Duration, bool) {
	rows, err := m.conn.Query(ctx, `SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`)
	if err != nil {
		return nil, false
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, false
	}
	cpu := make(map[int]time.Duration, len(pids))
	for _, pid := range pids {
		if t, ok := processCPU(int(pid)); ok {
			cpu[int(pid)] = t
		}
	}
	return cpu, len(cpu) > 0
}

// since is the CPU the backends spent after before was sampled. A backend
// that connected meanwhile counts from zero; one that left is lost (the
// pool keeps its connections open while requests keep coming).
func (m *dbCPUMeter) since(ctx context.Context, before map[int]time.Duration) time.Duration {
	after, _ := m.sample(ctx)
	var d time.Duration
	for pid, t := range after {
		d += t - before[pid]
	}
	return max(d, 0)
}

// processCPU is a process's time on CPU so far, from the first field of
// /proc/PID/schedstat (nanoseconds); false when it cannot be read, or the
// process is not a PostgreSQL one (a pid of another machine's server that
// happens to exist here).
func processCPU(pid int) (time.Duration, bool) {
	dir := "/proc/" + strconv.Itoa(pid) + "/"
	comm, err := os.ReadFile(dir + "comm")
	if err != nil || !strings.HasPrefix(string(comm), "postgres") {
		return 0, false
	}
	stat, err := os.ReadFile(dir + "schedstat")
	if err != nil {
		return 0, false
	}
	ns, err := strconv.ParseInt(strings.Fields(string(stat) + " x")[0], 10, 64)
	if err != nil {
		return 0, false
	}
	return time.Duration(ns), true
}
