package eventlog

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// Options says how to read a log file.
type Options struct {
	Format Format     // "" → from the file name (DetectFormat)
	CSV    CSVColumns // CSV only
	Limits Limits
}

// DetectFormat tells the format from a file name: .xes, .xes.gz, .csv or .csv.gz (any case).
func DetectFormat(name string) (Format, error) {
	n := strings.ToLower(name)
	n = strings.TrimSuffix(n, ".gz")
	switch {
	case strings.HasSuffix(n, ".xes"):
		return FormatXES, nil
	case strings.HasSuffix(n, ".csv"):
		return FormatCSV, nil
	}
	return "", fmt.Errorf("cannot tell the format of %q from its name (want .xes, .xes.gz, .csv or .csv.gz): give the format", name)
}

// ParseFormat reads a format name ("xes" or "csv").
func ParseFormat(s string) (Format, error) {
	switch Format(strings.ToLower(s)) {
	case FormatXES:
		return FormatXES, nil
	case FormatCSV:
		return FormatCSV, nil
	}
	return "", fmt.Errorf("format %q: want xes or csv", s)
}

// Read reads a log in the format given by opt.Format, or told from name.
func Read(r io.Reader, name string, opt Options) (*Log, error) {
	f := opt.Format
	if f == "" {
		var err error
		if f, err = DetectFormat(name); err != nil {
			return nil, err
		}
	}
	switch f {
	case FormatXES:
		return ReadXES(r, opt.Limits)
	case FormatCSV:
		return ReadCSV(r, opt.CSV, opt.Limits)
	}
	return nil, fmt.Errorf("format %q: want xes or csv", f)
}

// ReadFile opens and reads a log file.
func ReadFile(path string, opt Options) (*Log, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path, opt)
}
