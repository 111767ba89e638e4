// Package e2e holds Fresco's browser tests: they start the real server on a
// fresh SQLite file and drive Debian's chromium headless through chromedp.
//
// Run them with
//
//	go test ./e2e/
//
// Without a chromium binary the tests skip, except when CI=true, where a
// missing browser is a failure. FRESCO_CHROMIUM names another binary.
// Screenshots go to the temporary folder (/tmp/fresco-e2e-*.png) for a human
// to look at; they are not compared and not committed.
package e2e
