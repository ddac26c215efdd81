/*
Copyright 2026 The loginprofile-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package gitops

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"
	"github.com/prometheus/common/model"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// The observability files of the repository: a Grafana dashboard and example alerts, both built
// on the metrics the manager serves; and the chart's ServiceMonitor.
var (
	dashboardFile = filepath.Join(repoRoot, "config", "grafana", "loginprofile-operator.json")
	rulesFile     = filepath.Join(repoRoot, "config", "prometheus", "loginprofile-operator-rules.yaml")
	// metricsSourceDirs hold the Go code that registers the manager's own metrics.
	metricsSourceDirs = []string{filepath.Join(repoRoot, "internal"), filepath.Join(repoRoot, "cmd")}
)

// docsURL is where runbook links point: the docs of the repository's main branch.
const docsURL = "https://github.com/loginprofile-operator/loginprofile-operator/blob/main/"

// metric is a metric family the manager exposes: its label names (nil when the source does not
// say) and where it is declared.
type metric struct {
	labels []string
	source string
}

// controllerRuntimeMetrics are the controller-runtime metrics the dashboard and the alerts may
// use, with their labels (controller-runtime v0.25: pkg/internal/controller/metrics and
// pkg/internal/metrics/workqueue.go). TestObservabilityControllerRuntimeNames checks the names
// against controller-runtime's source.
var controllerRuntimeMetrics = map[string]metric{
	"controller_runtime_reconcile_total":                 {labels: []string{"controller", "result"}},
	"controller_runtime_reconcile_errors_total":          {labels: []string{"controller"}},
	"controller_runtime_terminal_reconcile_errors_total": {labels: []string{"controller"}},
	"controller_runtime_reconcile_time_seconds":          {labels: []string{"controller"}},
	"controller_runtime_active_workers":                  {labels: []string{"controller"}},
	"controller_runtime_max_concurrent_reconciles":       {labels: []string{"controller"}},
	"workqueue_depth":                                    {labels: []string{"name", "controller", "priority"}},
	"workqueue_queue_duration_seconds":                   {labels: []string{"name", "controller"}},
	"workqueue_work_duration_seconds":                    {labels: []string{"name", "controller"}},
	"workqueue_retries_total":                            {labels: []string{"name", "controller"}},
}

// controllerRuntimeHistograms are the histograms among controllerRuntimeMetrics.
var controllerRuntimeHistograms = []string{
	"controller_runtime_reconcile_time_seconds", "workqueue_queue_duration_seconds", "workqueue_work_duration_seconds",
}

// targetLabels are the labels Prometheus (the Prometheus Operator's ServiceMonitor) adds to every
// scraped series: a query may match on them whatever the metric.
var targetLabels = []string{"namespace", "job", "instance", "pod", "service", "container", "endpoint"}

// exposedMetrics returns every series name the manager exposes: its own metrics, read from the Go
// source (prometheus.*Opts literals and prometheus.NewDesc calls), with the _bucket, _sum and _count
// series of histograms and summaries; and controller-runtime's.
func exposedMetrics(t *testing.T) map[string]metric {
	t.Helper()
	own, err := sourceMetrics(metricsSourceDirs...)
	if err != nil {
		t.Fatalf("reading the metrics of the Go source: %v", err)
	}
	if len(own) == 0 {
		t.Fatalf("no metric found in the Go source of %v: has the way metrics are declared changed?", metricsSourceDirs)
	}
	out := map[string]metric{}
	for name, m := range own {
		out[name] = m
	}
	for name, m := range controllerRuntimeMetrics {
		m.source = "controller-runtime"
		out[name] = m
	}
	for _, h := range controllerRuntimeHistograms {
		addHistogramSeries(out, h, out[h], true)
	}
	return out
}

// addHistogramSeries adds the series of a histogram (with buckets) or a summary named name.
func addHistogramSeries(out map[string]metric, name string, m metric, buckets bool) {
	out[name+"_sum"] = m
	out[name+"_count"] = m
	if buckets {
		b := m
		if m.labels != nil {
			b.labels = append(slices.Clone(m.labels), "le")
		}
		out[name+"_bucket"] = b
	}
}

// sourceMetrics parses the non-test Go files under dirs that import client_golang's prometheus
// package and returns the metrics they declare.
func sourceMetrics(dirs ...string) (map[string]metric, error) {
	out := map[string]metric{}
	fset := token.NewFileSet()
	byDir := map[string][]*ast.File{}
	for _, root := range dirs {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			byDir[filepath.Dir(path)] = append(byDir[filepath.Dir(path)], f)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, files := range byDir {
		// Package-level string constants, for names declared as constants.
		consts := map[string]string{}
		for _, f := range files {
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.CONST {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, name := range vs.Names {
						if i < len(vs.Values) {
							if s, ok := goString(vs.Values[i], consts); ok {
								consts[name.Name] = s
							}
						}
					}
				}
			}
		}
		for _, f := range files {
			prom := promImportNames(f)
			if len(prom) == 0 {
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				pkg, fn := selector(call.Fun)
				if !prom[pkg] {
					return true
				}
				source := fset.Position(call.Pos()).String()
				if fn == "NewDesc" && len(call.Args) >= 3 {
					if name, ok := goString(call.Args[0], consts); ok {
						out[name] = metric{labels: goStrings(call.Args[2], consts), source: source}
					}
					return true
				}
				if !strings.HasPrefix(fn, "New") || len(call.Args) == 0 {
					return true
				}
				lit, ok := call.Args[0].(*ast.CompositeLit)
				if !ok {
					return true
				}
				_, opts := selector(lit.Type)
				if !strings.HasSuffix(opts, "Opts") {
					return true
				}
				var parts []string
				for _, field := range []string{"Namespace", "Subsystem", "Name"} {
					if s := fieldString(lit, field, consts); s != "" {
						parts = append(parts, s)
					}
				}
				if len(parts) == 0 {
					return true
				}
				name := strings.Join(parts, "_")
				m := metric{source: source}
				if len(call.Args) >= 2 {
					m.labels = goStrings(call.Args[1], consts)
				}
				out[name] = m
				switch opts {
				case "HistogramOpts":
					addHistogramSeries(out, name, m, true)
				case "SummaryOpts":
					addHistogramSeries(out, name, m, false)
				}
				return true
			})
		}
	}
	return out, nil
}

// promImportNames returns the names a file imports client_golang's prometheus and promauto
// packages under.
func promImportNames(f *ast.File) map[string]bool {
	names := map[string]bool{}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if path != "github.com/prometheus/client_golang/prometheus" && path != "github.com/prometheus/client_golang/prometheus/promauto" {
			continue
		}
		name := filepath.Base(path)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		names[name] = true
	}
	return names
}

// selector splits pkg.Name; a plain identifier has no package.
func selector(e ast.Expr) (string, string) {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		if id, ok := e.X.(*ast.Ident); ok {
			return id.Name, e.Sel.Name
		}
	case *ast.Ident:
		return "", e.Name
	}
	return "", ""
}

// goString evaluates a constant string expression: a literal, a constant, or a concatenation.
func goString(e ast.Expr, consts map[string]string) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.Ident:
		s, ok := consts[e.Name]
		return s, ok
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := goString(e.X, consts)
		b, ok2 := goString(e.Y, consts)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return goString(e.X, consts)
	}
	return "", false
}

// goStrings evaluates a []string{...} literal; nil when e is something else.
func goStrings(e ast.Expr, consts map[string]string) []string {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	out := []string{}
	for _, elt := range lit.Elts {
		s, ok := goString(elt, consts)
		if !ok {
			return nil
		}
		out = append(out, s)
	}
	return out
}

// fieldString is the constant string value of a field of a struct literal.
func fieldString(lit *ast.CompositeLit, field string, consts map[string]string) string {
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if key, ok := kv.Key.(*ast.Ident); ok && key.Name == field {
			s, _ := goString(kv.Value, consts)
			return s
		}
	}
	return ""
}

// promSelector is a series selector of a PromQL expression: the metric name and the label names
// of its matchers.
type promSelector struct {
	Metric string
	Labels []string
}

var (
	// promLabelLists are the PromQL keywords followed by a list of label names.
	promLabelLists = map[string]bool{"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true}
	// promKeywords are the other PromQL words that are no metric: aggregation operators (which may
	// be followed by by/without before their parenthesis), binary operators, modifiers, numbers.
	promKeywords = map[string]bool{
		"sum": true, "min": true, "max": true, "avg": true, "group": true, "stddev": true, "stdvar": true, "count": true,
		"count_values": true, "bottomk": true, "topk": true, "quantile": true, "limitk": true, "limit_ratio": true,
		"and": true, "or": true, "unless": true, "bool": true, "atan2": true, "offset": true, "inf": true, "nan": true,
	}
	// grafanaLabelValues is a Grafana variable query listing the values of a label of a selector.
	grafanaLabelValues = regexp.MustCompile(`^\s*label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$`)
)

// promSelectors returns the selectors of a PromQL expression, which may hold Grafana variables
// ($var, ${var}). It is no full parser: it skips strings, ranges and label lists, takes a word
// followed by a parenthesis for a function, and fails on unbalanced brackets and on selectors
// without a metric name (which no name check could cover).
func promSelectors(expr string) ([]promSelector, error) {
	var out []promSelector
	n := len(expr)
	skipSpace := func(i int) int {
		for i < n && (expr[i] == ' ' || expr[i] == '\t' || expr[i] == '\n' || expr[i] == '\r') {
			i++
		}
		return i
	}
	depth := 0
	for i := 0; i < n; {
		c := expr[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#': // a comment, to the end of the line
			for i < n && expr[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'' || c == '`':
			end, err := skipPromString(expr, i)
			if err != nil {
				return nil, err
			}
			i = end
		case c == '$': // a Grafana variable
			i++
			if i < n && expr[i] == '{' {
				end := strings.IndexByte(expr[i:], '}')
				if end < 0 {
					return nil, fmt.Errorf("unclosed ${ at %d", i-1)
				}
				i += end + 1
			} else {
				for i < n && isPromIdentChar(expr[i]) {
					i++
				}
			}
		case c == '[': // a range or a subquery: durations and variables
			end := strings.IndexByte(expr[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("unclosed [ at %d", i)
			}
			i += end + 1
		case c == ']':
			return nil, fmt.Errorf("unbalanced ] at %d", i)
		case c == '(':
			depth++
			i++
		case c == ')':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("unbalanced ) at %d", i)
			}
			i++
		case c == '{':
			return nil, fmt.Errorf("a selector without a metric name at %d", i)
		case c == '}':
			return nil, fmt.Errorf("unbalanced } at %d", i)
		case isPromDigit(c) || (c == '.' && i+1 < n && isPromDigit(expr[i+1])): // a number or a duration
			for i < n && (isPromIdentChar(expr[i]) || expr[i] == '.') {
				i++
			}
		case isPromIdentStart(c):
			j := i
			for j < n && isPromIdentChar(expr[j]) {
				j++
			}
			word := expr[i:j]
			k := skipSpace(j)
			i = j
			switch {
			case promLabelLists[strings.ToLower(word)]:
				if k < n && expr[k] == '(' {
					end := strings.IndexByte(expr[k:], ')')
					if end < 0 {
						return nil, fmt.Errorf("unclosed label list after %s", word)
					}
					i = k + end + 1
				}
			case promKeywords[strings.ToLower(word)]:
			case k < n && expr[k] == '(': // a function
			default:
				sel := promSelector{Metric: word}
				if k < n && expr[k] == '{' {
					labels, end, err := promMatchers(expr, k)
					if err != nil {
						return nil, fmt.Errorf("the matchers of %s: %w", word, err)
					}
					sel.Labels, i = labels, end
				}
				out = append(out, sel)
			}
		default: // operators, commas, @
			i++
		}
	}
	if depth != 0 {
		return nil, errors.New("unbalanced parentheses")
	}
	return out, nil
}

// promMatchers reads the label matchers of a selector from the { at start; it returns their label
// names and the index after the }.
func promMatchers(expr string, start int) ([]string, int, error) {
	n := len(expr)
	labels := []string{}
	i := start + 1
	for {
		for i < n && (expr[i] == ' ' || expr[i] == '\t' || expr[i] == '\n' || expr[i] == ',') {
			i++
		}
		if i >= n {
			return nil, 0, errors.New("unclosed {")
		}
		if expr[i] == '}' {
			return labels, i + 1, nil
		}
		j := i
		for j < n && isPromIdentChar(expr[j]) {
			j++
		}
		if j == i || !isPromIdentStart(expr[i]) {
			return nil, 0, fmt.Errorf("no label name at %d", i)
		}
		labels = append(labels, expr[i:j])
		for j < n && expr[j] == ' ' {
			j++
		}
		op := ""
		for _, o := range []string{"=~", "!~", "!=", "="} {
			if strings.HasPrefix(expr[j:], o) {
				op = o
				break
			}
		}
		if op == "" {
			return nil, 0, fmt.Errorf("no matching operator after %s", expr[i:j])
		}
		j += len(op)
		for j < n && expr[j] == ' ' {
			j++
		}
		if j >= n || (expr[j] != '"' && expr[j] != '\'' && expr[j] != '`') {
			return nil, 0, fmt.Errorf("no string after %s%s", expr[i:j-len(op)], op)
		}
		end, err := skipPromString(expr, j)
		if err != nil {
			return nil, 0, err
		}
		i = end
	}
}

// skipPromString returns the index after the string literal starting at i.
func skipPromString(expr string, i int) (int, error) {
	q := expr[i]
	for j := i + 1; j < len(expr); j++ {
		switch {
		case expr[j] == '\\' && q != '`':
			j++
		case expr[j] == q:
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("unclosed string at %d", i)
}

func isPromDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isPromIdentStart(c byte) bool { return c == '_' || c == ':' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isPromIdentChar(c byte) bool  { return isPromIdentStart(c) || isPromDigit(c) }

// TestObservabilityPromQLSelectors guards the extraction the name checks rely on.
func TestObservabilityPromQLSelectors(t *testing.T) {
	for _, tc := range []struct {
		expr    string
		want    []promSelector
		wantErr string
	}{
		{expr: `up`, want: []promSelector{{Metric: "up"}}},
		{
			expr: `histogram_quantile(0.99, sum by (le, cloud) (rate(a_seconds_bucket{namespace=~"$namespace", x!="y,}"}[$__rate_interval])))`,
			want: []promSelector{{Metric: "a_seconds_bucket", Labels: []string{"namespace", "x"}}},
		},
		{
			expr: `sum(a{mfa="bound"}) / sum without (pod) (b) or vector(0)`,
			want: []promSelector{{Metric: "a", Labels: []string{"mfa"}}, {Metric: "b"}},
		},
		{
			expr: "sum by (reason) (a{ready!=\"True\"}) > 0 # a comment naming not_a_metric\n and on (x) group_left (y) c offset 5m",
			want: []promSelector{{Metric: "a", Labels: []string{"ready"}}, {Metric: "c"}},
		},
		{expr: `max(a[1h:5m]) > 1e3 and b @ start()`, want: []promSelector{{Metric: "a"}, {Metric: "b"}}},
		{expr: `sum(rate({__name__="a"}[5m]))`, wantErr: "without a metric name"},
		{expr: `sum(rate(a[5m])`, wantErr: "unbalanced"},
		{expr: `a{b="c"`, wantErr: "unclosed"},
		{expr: `a{b=c}`, wantErr: "no string"},
	} {
		t.Run(testName(tc.expr), func(t *testing.T) {
			got, err := promSelectors(tc.expr)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("promSelectors(%q) = %v, %v; want an error about %q", tc.expr, got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.Transformer("nilLabels", func(l []string) []string {
				if len(l) == 0 {
					return nil
				}
				return l
			})); diff != "" {
				t.Errorf("promSelectors(%q) (-want +got):\n%s", tc.expr, diff)
			}
		})
	}

	// The source reader finds the metrics declared every way the code does.
	dir := t.TempDir()
	src := `package x
import (
	"github.com/prometheus/client_golang/prometheus"
	p2 "github.com/prometheus/client_golang/prometheus/promauto"
)
const ns = "ns"
var (
	a = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "a_total"}, []string{"x", "y"})
	b = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Subsystem: "sub", Name: "b_seconds"}, []string{"z"})
	c = prometheus.NewDesc(ns+"_c", "help", []string{"ready"}, nil)
	d = p2.NewGauge(prometheus.GaugeOpts{Name: "d"})
	e = prometheus.NewSummary(prometheus.SummaryOpts{Name: "e"})
)
`
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := sourceMetrics(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string][]string{}
	for name, m := range got {
		names[name] = m.labels
	}
	want := map[string][]string{
		"a_total": {"x", "y"}, "ns_sub_b_seconds": {"z"}, "ns_sub_b_seconds_bucket": {"z", "le"},
		"ns_sub_b_seconds_sum": {"z"}, "ns_sub_b_seconds_count": {"z"}, "ns_c": {"ready"}, "d": nil, "e": nil,
		"e_sum": nil, "e_count": nil,
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("sourceMetrics (-want +got):\n%s", diff)
	}
}

// checkExpr checks that every selector of expr names a metric the manager exposes, and matches
// only on labels it has (or that the scrape adds).
func checkExpr(exposed map[string]metric, where, expr string) []string {
	sels, err := promSelectors(expr)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v in %q", where, err, expr)}
	}
	if len(sels) == 0 {
		return []string{fmt.Sprintf("%s: no metric in %q", where, expr)}
	}
	var problems []string
	for _, sel := range sels {
		m, ok := exposed[sel.Metric]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: %s is no metric the manager exposes", where, sel.Metric))
			continue
		}
		if m.labels == nil {
			continue
		}
		for _, l := range sel.Labels {
			if !slices.Contains(m.labels, l) && !slices.Contains(targetLabels, l) {
				problems = append(problems, fmt.Sprintf("%s: %s has no label %s (it has %v, declared at %s)", where, sel.Metric, l, m.labels, m.source))
			}
		}
	}
	return problems
}

// TestObservabilityControllerRuntimeNames: the controller-runtime metrics the dashboard and the
// alerts may use are named in the controller-runtime module the manager is built with.
func TestObservabilityControllerRuntimeNames(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to find the controller-runtime module")
	}
	cmd := exec.Command(gobin, "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/controller-runtime")
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("the controller-runtime module is not in the module cache: %v", err)
	}
	var names []string
	for _, f := range []string{"pkg/internal/controller/metrics/metrics.go", "pkg/internal/metrics/workqueue.go", "pkg/metrics/workqueue.go"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("controller-runtime moved its metrics: %v", err)
		}
		for _, m := range regexp.MustCompile(`Name:\s*"([a-z_]+)"`).FindAllStringSubmatch(string(data), -1) {
			names = append(names, m[1])
		}
		// The workqueue metrics are WorkQueueSubsystem ("workqueue") + "_" + the *Key constants.
		for _, m := range regexp.MustCompile(`\w+Key\s*=\s*"([a-z_]+)"`).FindAllStringSubmatch(string(data), -1) {
			names = append(names, "workqueue_"+m[1])
		}
	}
	for name := range controllerRuntimeMetrics {
		if !slices.Contains(names, name) {
			t.Errorf("controller-runtime (%s) has no metric %s; it has %v", dir, name, names)
		}
	}
}

// TestObservabilityDashboard: the Grafana dashboard parses, takes its data source from a
// variable, has the rows it promises, and queries only metrics the manager exposes; every metric
// of the operator's own is on it.
func TestObservabilityDashboard(t *testing.T) {
	g := NewWithT(t)
	data, err := os.ReadFile(dashboardFile)
	g.Expect(err).NotTo(HaveOccurred())
	var dash struct {
		UID           string `json:"uid"`
		Title         string `json:"title"`
		SchemaVersion int    `json:"schemaVersion"`
		Templating    struct {
			List []struct {
				Name       string `json:"name"`
				Type       string `json:"type"`
				Query      any    `json:"query"`
				Datasource any    `json:"datasource"`
			} `json:"list"`
		} `json:"templating"`
		Panels []dashboardPanel `json:"panels"`
	}
	g.Expect(json.Unmarshal(data, &dash)).To(Succeed(), "the dashboard is no JSON")
	g.Expect(dash.UID).NotTo(BeEmpty())
	g.Expect(dash.Title).NotTo(BeEmpty())
	g.Expect(dash.SchemaVersion).To(BeNumerically(">=", 39), "a dashboard of Grafana 11 or later")

	exposed := exposedMetrics(t)
	var problems []string

	// The data source: a variable of type datasource listing Prometheus data sources, and no uid
	// written anywhere else.
	var vars []string
	for _, v := range dash.Templating.List {
		vars = append(vars, v.Name)
		switch {
		case v.Name == "datasource":
			g.Expect(v.Type).To(Equal("datasource"))
			g.Expect(v.Query).To(Equal("prometheus"))
		case v.Type == "query":
			q := v.Query
			if m, ok := q.(map[string]any); ok {
				q = m["query"]
			}
			s, _ := q.(string)
			if m := grafanaLabelValues.FindStringSubmatch(s); m != nil {
				s = m[1]
			}
			problems = append(problems, checkExpr(exposed, "variable "+v.Name, s)...)
		}
	}
	g.Expect(vars).To(ContainElement("datasource"))
	var raw any
	g.Expect(json.Unmarshal(data, &raw)).To(Succeed())
	problems = append(problems, checkDatasources("", raw)...)

	// The rows, in order, each with its panels.
	var rows []string
	panelsOf := map[string][]dashboardPanel{}
	row := ""
	ids := map[int]string{}
	var all []dashboardPanel
	for _, p := range dash.Panels {
		if p.Type == "row" {
			row = p.Title
			rows = append(rows, row)
			panelsOf[row] = append(panelsOf[row], p.Panels...) // a collapsed row holds its panels
			all = append(all, p.Panels...)
			continue
		}
		panelsOf[row] = append(panelsOf[row], p)
		all = append(all, p)
	}
	g.Expect(rows).To(Equal([]string{"Audit", "Cloud API", "Controller"}))
	for _, r := range rows {
		g.Expect(panelsOf[r]).NotTo(BeEmpty(), "row %s has no panel", r)
	}
	g.Expect(panelsOf[""]).To(BeEmpty(), "panels above the first row")

	used := map[string]bool{}
	for _, p := range all {
		if other, ok := ids[p.ID]; ok {
			problems = append(problems, fmt.Sprintf("panels %q and %q have the same id %d", other, p.Title, p.ID))
		}
		ids[p.ID] = p.Title
		if len(p.Targets) == 0 {
			problems = append(problems, fmt.Sprintf("panel %q has no query", p.Title))
		}
		for _, tg := range p.Targets {
			where := fmt.Sprintf("panel %q, query %s", p.Title, tg.RefID)
			problems = append(problems, checkExpr(exposed, where, tg.Expr)...)
			sels, _ := promSelectors(tg.Expr)
			for _, s := range sels {
				used[strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s.Metric, "_bucket"), "_sum"), "_count")] = true
			}
		}
	}
	for _, a := range all {
		for _, b := range all {
			if a.ID < b.ID && a.GridPos.overlaps(b.GridPos) {
				problems = append(problems, fmt.Sprintf("panels %q and %q overlap", a.Title, b.Title))
			}
		}
	}

	// The audit row answers the auditor's two questions; every metric of the operator is shown.
	stat := false
	for _, p := range panelsOf["Audit"] {
		if p.Type == "stat" && len(p.Targets) > 0 && strings.Contains(p.Targets[0].Expr, `mfa="bound"`) {
			stat = true
		}
	}
	g.Expect(stat).To(BeTrue(), "the Audit row has no stat of the share of MFA bound")
	for name, m := range exposed {
		if strings.HasPrefix(name, "loginprofile_") && !strings.HasSuffix(name, "_bucket") && !strings.HasSuffix(name, "_sum") &&
			!strings.HasSuffix(name, "_count") && !used[name] {
			problems = append(problems, fmt.Sprintf("the dashboard does not show %s (declared at %s)", name, m.source))
		}
	}
	reportProblems(t, problems)
}

// reportProblems fails the test with each problem on a line of its own.
func reportProblems(t *testing.T, problems []string) {
	t.Helper()
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// dashboardPanel is the part of a Grafana panel the test reads.
type dashboardPanel struct {
	ID      int              `json:"id"`
	Type    string           `json:"type"`
	Title   string           `json:"title"`
	GridPos gridPos          `json:"gridPos"`
	Panels  []dashboardPanel `json:"panels"`
	Targets []struct {
		Expr  string `json:"expr"`
		RefID string `json:"refId"`
	} `json:"targets"`
}

type gridPos struct {
	H int `json:"h"`
	W int `json:"w"`
	X int `json:"x"`
	Y int `json:"y"`
}

func (a gridPos) overlaps(b gridPos) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

// checkDatasources walks the dashboard's JSON: every data source is the datasource variable
// (or Grafana's own, for the built-in annotations), never a hard-coded uid.
func checkDatasources(path string, v any) []string {
	var problems []string
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			p := path + "." + k
			if k == "datasource" {
				switch ds := child.(type) {
				case string:
					if ds != "${datasource}" && ds != "$datasource" {
						problems = append(problems, fmt.Sprintf("%s: data source %q", p, ds))
					}
				case map[string]any:
					uid, _ := ds["uid"].(string)
					if uid != "${datasource}" && uid != "$datasource" && uid != "-- Grafana --" {
						problems = append(problems, fmt.Sprintf("%s: data source uid %q, not the datasource variable", p, uid))
					}
				}
				continue
			}
			problems = append(problems, checkDatasources(p, child)...)
		}
	case []any:
		for i, child := range v {
			problems = append(problems, checkDatasources(fmt.Sprintf("%s[%d]", path, i), child)...)
		}
	}
	return problems
}

// prometheusRule is the part of a monitoring.coreos.com/v1 PrometheusRule the example uses,
// decoded strictly: a misspelt field fails the test.
type prometheusRule struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string            `json:"name"`
		Namespace string            `json:"namespace,omitempty"`
		Labels    map[string]string `json:"labels,omitempty"`
	} `json:"metadata"`
	Spec struct {
		Groups []struct {
			Name     string `json:"name"`
			Interval string `json:"interval,omitempty"`
			Rules    []struct {
				Alert       string            `json:"alert"`
				Expr        string            `json:"expr"`
				For         string            `json:"for"`
				Labels      map[string]string `json:"labels"`
				Annotations map[string]string `json:"annotations"`
			} `json:"rules"`
		} `json:"groups"`
	} `json:"spec"`
}

// TestObservabilityRules: the example PrometheusRule has the expected shape and alerts, on
// metrics the manager exposes, each with a severity, a summary, a description and a runbook link
// to the docs.
func TestObservabilityRules(t *testing.T) {
	g := NewWithT(t)
	data, err := os.ReadFile(rulesFile)
	g.Expect(err).NotTo(HaveOccurred())
	var pr prometheusRule
	g.Expect(yaml.UnmarshalStrict(data, &pr)).To(Succeed())
	g.Expect(pr.APIVersion).To(Equal("monitoring.coreos.com/v1"))
	g.Expect(pr.Kind).To(Equal("PrometheusRule"))
	g.Expect(pr.Metadata.Name).NotTo(BeEmpty())
	g.Expect(pr.Spec.Groups).NotTo(BeEmpty())

	exposed := exposedMetrics(t)
	var problems []string
	alerts := map[string][]string{} // alert -> metrics of its expression
	groups := map[string]bool{}
	for _, grp := range pr.Spec.Groups {
		if grp.Name == "" || groups[grp.Name] {
			problems = append(problems, fmt.Sprintf("group %q: a group needs a name of its own", grp.Name))
		}
		groups[grp.Name] = true
		if len(grp.Rules) == 0 {
			problems = append(problems, fmt.Sprintf("group %q has no rule", grp.Name))
		}
		for _, r := range grp.Rules {
			where := fmt.Sprintf("alert %q", r.Alert)
			if r.Alert == "" {
				problems = append(problems, fmt.Sprintf("group %q: a rule without alert", grp.Name))
				continue
			}
			if _, ok := alerts[r.Alert]; ok {
				problems = append(problems, where+": defined twice")
			}
			problems = append(problems, checkExpr(exposed, where, r.Expr)...)
			sels, _ := promSelectors(r.Expr)
			metrics := []string{}
			for _, s := range sels {
				metrics = append(metrics, s.Metric)
			}
			alerts[r.Alert] = metrics
			if d, err := model.ParseDuration(r.For); err != nil || d <= 0 {
				problems = append(problems, fmt.Sprintf("%s: for %q is no Prometheus duration", where, r.For))
			}
			if !slices.Contains([]string{"critical", "warning", "info"}, r.Labels["severity"]) {
				problems = append(problems, fmt.Sprintf("%s: labels.severity %q, want critical, warning or info", where, r.Labels["severity"]))
			}
			for _, a := range []string{"summary", "description", "runbook_url"} {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					problems = append(problems, fmt.Sprintf("%s: no annotations.%s", where, a))
				}
			}
			problems = append(problems, checkRunbook(t, where, r.Annotations["runbook_url"])...)
		}
	}

	// The alerts the brief asks for, each on its metric.
	for alert, metric := range map[string]string{
		"LoginProfileMFANotBound":     "loginprofile_loginprofiles_mfa",
		"LoginProfileUnusedLogin":     "loginprofile_loginprofiles_last_login",
		"LoginProfileNotReady":        "loginprofile_loginprofiles",
		"LoginProfileCloudThrottled":  "loginprofile_cloud_api_throttled_total",
		"LoginProfileReconcileErrors": "controller_runtime_reconcile_errors_total",
	} {
		if got, ok := alerts[alert]; !ok {
			problems = append(problems, fmt.Sprintf("no alert %s", alert))
		} else if !slices.Contains(got, metric) {
			problems = append(problems, fmt.Sprintf("alert %s uses %v, want %s", alert, got, metric))
		}
	}
	reportProblems(t, problems)
}

// checkRunbook: a runbook link points at a file of docs/ in the repository, and at one of its
// headings when it has an anchor.
func checkRunbook(t *testing.T, where, url string) []string {
	t.Helper()
	if url == "" {
		return nil
	}
	rest, ok := strings.CutPrefix(url, docsURL)
	if !ok {
		return []string{fmt.Sprintf("%s: runbook_url %q is not in %s", where, url, docsURL)}
	}
	file, anchor, _ := strings.Cut(rest, "#")
	if !strings.HasPrefix(file, "docs/") {
		return []string{fmt.Sprintf("%s: runbook_url %q is not in docs/", where, url)}
	}
	data, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(file)))
	if err != nil {
		return []string{fmt.Sprintf("%s: runbook_url %q: %v", where, url, err)}
	}
	if anchor == "" {
		return nil
	}
	var slugs []string
	for line := range strings.SplitSeq(string(data), "\n") {
		if h, ok := strings.CutPrefix(line, "#"); ok {
			slugs = append(slugs, headingSlug(strings.TrimLeft(h, "#")))
		}
	}
	if !slices.Contains(slugs, anchor) {
		return []string{fmt.Sprintf("%s: %s has no heading #%s", where, file, anchor)}
	}
	return nil
}

// headingSlug is GitHub's anchor of a Markdown heading.
func headingSlug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestObservabilityServiceMonitor: the chart renders a ServiceMonitor only when asked to (and when
// it serves metrics), selecting the metrics Service and its port, with the scheme, token and TLS
// settings of the secure endpoint.
func TestObservabilityServiceMonitor(t *testing.T) {
	helmBin(t)
	const name = release + "-metrics"
	enabled := []string{"--set", "metrics.serviceMonitor.enabled=true"}

	t.Run("absent by default", func(t *testing.T) {
		for _, args := range [][]string{nil, {"--set", "metrics.enabled=false", "--set", "metrics.serviceMonitor.enabled=true"}} {
			for _, m := range render(t, release, args...) {
				if m.obj.GetKind() == "ServiceMonitor" {
					t.Errorf("helm template %s renders a ServiceMonitor", strings.Join(args, " "))
				}
			}
		}
	})

	t.Run("secure", func(t *testing.T) {
		g := NewWithT(t)
		ms := render(t, release, append(enabled, "--set", "metrics.serviceMonitor.labels.release=kube-prometheus-stack")...)
		sm := find(t, ms, "ServiceMonitor", name)
		g.Expect(sm.GetAPIVersion()).To(Equal("monitoring.coreos.com/v1"))
		g.Expect(sm.GetNamespace()).To(Equal(systemNamespace))
		g.Expect(sm.GetLabels()).To(HaveKeyWithValue("release", "kube-prometheus-stack"))
		g.Expect(sm.GetLabels()).To(HaveKeyWithValue("app.kubernetes.io/instance", release))
		ep := serviceMonitorEndpoint(t, sm, ms, find(t, ms, "Service", name))
		g.Expect(ep).To(Equal(map[string]any{
			"port": "https", "path": "/metrics", "scheme": "https", "interval": "30s", "scrapeTimeout": "10s",
			"bearerTokenFile": "/var/run/secrets/kubernetes.io/serviceaccount/token",
			"tlsConfig":       map[string]any{"insecureSkipVerify": true},
		}))
	})

	t.Run("secure with authorization and a CA", func(t *testing.T) {
		g := NewWithT(t)
		ms := render(t, release, append(enabled,
			"--set", "metrics.serviceMonitor.authorization.credentials.name=prometheus-token",
			"--set", "metrics.serviceMonitor.authorization.credentials.key=token",
			"--set", "metrics.serviceMonitor.tlsConfig.insecureSkipVerify=false",
			"--set", "metrics.serviceMonitor.tlsConfig.serverName=loginprofile-operator-metrics.loginprofile-system.svc",
			"--set", "metrics.serviceMonitor.tlsConfig.ca.secret.name=metrics-ca",
			"--set", "metrics.serviceMonitor.tlsConfig.ca.secret.key=ca.crt",
			"--set", "metrics.serviceMonitor.interval=1m", "--set", "metrics.serviceMonitor.scrapeTimeout=")...)
		ep := serviceMonitorEndpoint(t, find(t, ms, "ServiceMonitor", name), ms, find(t, ms, "Service", name))
		g.Expect(ep).NotTo(HaveKey("bearerTokenFile"), "authorization replaces bearerTokenFile")
		g.Expect(ep).NotTo(HaveKey("scrapeTimeout"))
		g.Expect(ep).To(HaveKeyWithValue("interval", "1m"))
		g.Expect(ep).To(HaveKeyWithValue("authorization", map[string]any{"credentials": map[string]any{"name": "prometheus-token", "key": "token"}}))
		g.Expect(ep).To(HaveKeyWithValue("tlsConfig", map[string]any{
			"insecureSkipVerify": false, "serverName": "loginprofile-operator-metrics.loginprofile-system.svc",
			"ca": map[string]any{"secret": map[string]any{"name": "metrics-ca", "key": "ca.crt"}},
		}))
	})

	t.Run("plain HTTP", func(t *testing.T) {
		g := NewWithT(t)
		ms := render(t, customRelease, append(enabled, "--set", "metrics.secure=false", "--set", "metrics.port=8080")...)
		fullname := customRelease + "-loginprofile-operator-metrics"
		ep := serviceMonitorEndpoint(t, find(t, ms, "ServiceMonitor", fullname), ms, find(t, ms, "Service", fullname))
		g.Expect(ep).To(Equal(map[string]any{"port": "http", "path": "/metrics", "scheme": "http", "interval": "30s", "scrapeTimeout": "10s"}))
	})

	t.Run("shards", func(t *testing.T) {
		// One ServiceMonitor for every shard: the metrics Service selects every shard's pods.
		ms := render(t, shardedRelease, append([]string{"--values", valuesShards}, enabled...)...)
		fullname := shardedRelease + "-loginprofile-operator-metrics"
		serviceMonitorEndpoint(t, find(t, ms, "ServiceMonitor", fullname), ms, find(t, ms, "Service", fullname))
	})

	t.Run("lint", func(t *testing.T) {
		out, err := helm(t, append([]string{"lint", "--strict", chartDir}, enabled...)...)
		if err != nil {
			t.Errorf("helm lint --strict with the ServiceMonitor: %v\n%s", err, out)
		}
	})
}

// serviceMonitorEndpoint checks that the ServiceMonitor selects svc, and no other rendered
// Service, in svc's namespace, with one endpoint on a port of svc; it returns that endpoint.
func serviceMonitorEndpoint(t *testing.T, sm *unstructured.Unstructured, ms []manifest, svc *unstructured.Unstructured) map[string]any {
	t.Helper()
	g := NewWithT(t)
	selector, found, err := unstructured.NestedStringMap(sm.Object, "spec", "selector", "matchLabels")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(found && len(selector) > 0).To(BeTrue(), "the ServiceMonitor has no spec.selector.matchLabels")
	exprs, _, _ := unstructured.NestedSlice(sm.Object, "spec", "selector", "matchExpressions")
	g.Expect(exprs).To(BeEmpty())
	for _, m := range ms {
		if m.obj.GetKind() != "Service" {
			continue
		}
		selects := true
		for k, v := range selector {
			if l, ok := m.obj.GetLabels()[k]; !ok || l != v {
				selects = false
			}
		}
		if m.obj.GetName() == svc.GetName() {
			g.Expect(selects).To(BeTrue(), "the ServiceMonitor's selector %v does not match the labels of Service %s: %v", selector, svc.GetName(), svc.GetLabels())
		} else {
			g.Expect(selects).To(BeFalse(), "the ServiceMonitor selects Service %s too", m.obj.GetName())
		}
	}
	namespaces, _, _ := unstructured.NestedStringSlice(sm.Object, "spec", "namespaceSelector", "matchNames")
	g.Expect(namespaces).To(Equal([]string{svc.GetNamespace()}))
	g.Expect(sm.GetNamespace()).To(Equal(svc.GetNamespace()))

	endpoints, _, _ := unstructured.NestedSlice(sm.Object, "spec", "endpoints")
	g.Expect(endpoints).To(HaveLen(1))
	ep := endpoints[0].(map[string]any)
	ports, _, _ := unstructured.NestedSlice(svc.Object, "spec", "ports")
	var portNames []string
	for _, p := range ports {
		name, _ := p.(map[string]any)["name"].(string)
		portNames = append(portNames, name)
	}
	g.Expect(portNames).To(ContainElement(ep["port"]), "the ServiceMonitor's port is none of the Service's")
	return ep
}

// TestObservabilityServiceMonitorRefused: mistakes in metrics.serviceMonitor fail the rendering
// with a message naming the value.
func TestObservabilityServiceMonitorRefused(t *testing.T) {
	helmBin(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"misspelt value", []string{"--set", "metrics.serviceMonitor.intervall=30s"}, "intervall"},
		{"interval not a duration", []string{"--set", "metrics.serviceMonitor.interval=30 seconds"}, "interval"},
		{"authorization without credentials", []string{"--set", "metrics.serviceMonitor.authorization.type=Bearer"}, "credentials"},
		{"credentials without key", []string{"--set", "metrics.serviceMonitor.authorization.credentials.name=x"}, "key"},
		{"tlsConfig misspelt", []string{"--set", "metrics.serviceMonitor.tlsConfig.insecureSkipVerfy=true"}, "insecureSkipVerfy"},
		{"bearerTokenFile not a path", []string{"--set", "metrics.serviceMonitor.bearerTokenFile=token"}, "bearerTokenFile"},
	} {
		t.Run(testName(tc.name), func(t *testing.T) {
			args := append([]string{"template", release, chartDir, "--set", "metrics.serviceMonitor.enabled=true"}, tc.args...)
			_, err := helm(t, args...)
			if err == nil {
				t.Fatalf("helm template %s succeeded", strings.Join(tc.args, " "))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("helm template %s: %v\nwant a message about %q", strings.Join(tc.args, " "), err, tc.want)
			}
		})
	}
}
