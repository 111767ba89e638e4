package cli

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// Every flag of a long-running command is also a setting that can come from
// the environment or a config file, so the same name works on a command
// line, in a container's environment and in /etc/fresco/fresco.conf:
//
//	--smtp-addr   FRESCO_SMTP_ADDR   FRESCO_SMTP_ADDR_FILE   smtp-addr = … (in --config FILE)
//
// The first of these that is given wins, in that order; a _FILE variable
// names a file holding the value (a secret mounted by the container
// runtime), trailing newline ignored. Booleans parse as Go's strconv does:
// 1, t, true, TRUE, 0, f, false, FALSE.

// envName is the environment variable of a flag: --smtp-addr → FRESCO_SMTP_ADDR.
func envName(flagName string) string {
	return "FRESCO_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// configFlag adds --config to fs: a settings file of "name = value" lines
// (the flag names, without dashes), '#' comments and blank lines ignored.
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "", "settings file of 'name = value' lines, one flag each (env FRESCO_CONFIG)")
}

// applySettings fills in every flag not given on the command line from the
// environment, a _FILE variable or the config file. Call it after parsing.
func applySettings(fs *flag.FlagSet, env Env, configPath string) error {
	if configPath == "" {
		configPath = env.Getenv("FRESCO_CONFIG")
	}
	file, err := readConfigFile(configPath)
	if err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var problems []string
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || f.Name == "config" {
			return
		}
		value, from, found, err := settingValue(f.Name, env, file)
		if err != nil {
			problems = append(problems, err.Error())
			return
		}
		if !found {
			return
		}
		if err := fs.Set(f.Name, value); err != nil {
			if isDuration(f) {
				// The flag package says only "parse error".
				err = fmt.Errorf("%q is not a duration such as 90s, 5m or 1h30m", value)
			}
			problems = append(problems, fmt.Sprintf("%s: %v", from, err))
		}
	})
	for key := range file {
		if fs.Lookup(key) == nil {
			problems = append(problems, fmt.Sprintf("%s: unknown setting %q", configPath, key))
		}
	}
	if len(problems) > 0 {
		return usageError("%s", strings.Join(problems, "; "))
	}
	return nil
}

func isDuration(f *flag.Flag) bool {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return false
	}
	_, ok = g.Get().(time.Duration)
	return ok
}

// settingValue finds a flag's value outside the command line, and says where
// it came from for error messages.
func settingValue(name string, env Env, file map[string]string) (value, from string, found bool, err error) {
	key := envName(name)
	if v := env.Getenv(key); v != "" {
		return v, key, true, nil
	}
	if path := env.Getenv(key + "_FILE"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", "", false, fmt.Errorf("%s_FILE: %v", key, err)
		}
		return strings.TrimRight(string(b), "\r\n"), key + "_FILE", true, nil
	}
	if v, ok := file[name]; ok {
		return v, "config " + name, true, nil
	}
	return "", "", false, nil
}

func readConfigFile(path string) (map[string]string, error) {
	settings := map[string]string{}
	if path == "" {
		return settings, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError("--config: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name, value, ok := strings.Cut(text, "=")
		if !ok {
			return nil, usageError("%s line %d: want name = value", path, line)
		}
		settings[strings.TrimSpace(name)] = strings.Trim(strings.TrimSpace(value), `"`)
	}
	return settings, sc.Err()
}
