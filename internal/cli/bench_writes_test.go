package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/secret"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// fresco bench writes on a small demo business: the writers' responses are
// all stored, every dashboard answers, the rollups equal a rebuild after
// concurrent writes, and the bench leaves no session or live token behind.
// A rollup damaged beforehand is reported, and fails the command.
func TestBenchWrites(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			testBenchWrites(t, eng.URL(t))
		})
	}
}

func testBenchWrites(t *testing.T, url string) {
	ctx := context.Background()
	env := map[string]string{"FRESCO_SECRET_KEY": secret.NewKey()}
	if code, _, errOut := runCLI(t, env, "", "demo", "--db", url, "--customers", "150", "--serve=false"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	db := storetest.Open(t, url)
	var before int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM responses`).Scan(&before); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCLI(t, env, "", "bench", "writes", "--db", url, "--writers", "4", "--readers", "2", "--duration", "300ms", "--json")
	if code != 0 {
		t.Fatalf("bench writes: exit %d: %s\n%s", code, out, errOut)
	}
	var res writesResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output: %v\n%s", err, out)
	}
	if res.Errors != 0 || res.Writes.Errors != 0 || res.Reads.Errors != 0 || res.Rollups != "consistent" || len(res.Inconsistent) > 0 {
		t.Errorf("errors %d (writes: %s; reads: %s), rollups %s %v", res.Errors, res.Writes.FirstError, res.Reads.FirstError, res.Rollups, res.Inconsistent)
	}
	if res.Writes.Requests == 0 || res.Reads.Requests < len(res.ReadRoutes) || len(res.ReadRoutes) < 9 {
		t.Errorf("%d writes, %d reads over %d read routes", res.Writes.Requests, res.Reads.Requests, len(res.ReadRoutes))
	}
	var after, sessions, tokens int
	err := db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM responses), (SELECT COUNT(*) FROM sessions),
		(SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL)`).Scan(&after, &sessions, &tokens)
	if err != nil || after != before+res.Writes.Requests || int(res.Responses) != before || sessions != 0 || tokens != 0 {
		t.Errorf("responses %d → %d after %d writes (reported %d before); %d sessions, %d live tokens left; %v",
			before, after, res.Writes.Requests, res.Responses, sessions, tokens, err)
	}

	if _, err := db.Exec(ctx, `UPDATE feedback_score_monthly SET n = n + 1 WHERE dim = 'location'`); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, env, "", "bench", "writes", "--db", url, "--writers", "1", "--readers", "1", "--duration", "1ms")
	if code != 1 || !strings.Contains(out, "rollups inconsistent") || !strings.Contains(out, "feedback_score_monthly") ||
		!strings.Contains(errOut, "rollups differ from a rebuild: feedback_score_monthly") {
		t.Errorf("damaged rollup: exit %d\n%s\n%s", code, out, errOut)
	}
}
