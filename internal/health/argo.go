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

package health

// This file reproduces how Argo CD runs a resource health script (util/lua/lua.go of
// argoproj/argo-cd: VM.runLuaScript, ExecuteHealthLua, decodeHealthObject, decodeValue; and
// util/lua/oslib_safe.go), with the same engine, github.com/yuin/gopher-lua:
//
//   - lua.NewState with SkipOpenLibs = !useOpenLibs: a script of argocd-cm gets no standard
//     library unless resource.customizations.useOpenLibs.<group>_<kind> is "true" (Argo's
//     built-in scripts always get them).
//   - In both modes Argo then opens, in this order, package (require), base (type, ipairs,
//     pairs, tostring, tonumber, pcall, error, ...), table, and its "safe os" opener. That opener
//     registers its functions under the name "table", which is already loaded, so it adds
//     nothing: there is no global os. os is reachable only as require("os"), preloaded with
//     time and date alone. string, math, io, coroutine, debug and channel are absent, and
//     string values have no methods ("x":upper() fails).
//   - With useOpenLibs, gopher-lua's OpenLibs has loaded everything first, including the full
//     os, which require("os") then returns.
//   - A 1 second timeout; a global actionParams (an empty table for health scripts); the object
//     as the global obj, converted from its JSON form (numbers become Lua numbers, json.Number a
//     string, other Go types nil), without metadata.managedFields and the
//     kubectl.kubernetes.io/last-applied-configuration annotation.
//   - The returned value: a table is encoded to JSON the way layeh.com/gopher-json does and
//     decoded into {status, message}; an empty table or nil gives an empty status; a status
//     Argo does not know gives Unknown, "Lua returned an invalid health status"; anything else
//     is an error, which Argo CD shows as the health Unknown with the error as message.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Argo CD's health statuses.
const (
	Healthy     = "Healthy"
	Progressing = "Progressing"
	Degraded    = "Degraded"
	Suspended   = "Suspended"
	Missing     = "Missing"
	Unknown     = "Unknown"
)

// invalidHealthStatus is Argo CD's message for a status it does not know.
const invalidHealthStatus = "Lua returned an invalid health status"

// scriptTimeout is the time Argo CD gives a script.
const scriptTimeout = time.Second

// lastAppliedAnnotation is left out of the object given to health scripts, like Argo CD does.
const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// Status is the health a script returned.
type Status struct {
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
}

// RunHealthScript runs a health script on obj the way Argo CD does. useOpenLibs is Argo CD's
// resource.customizations.useOpenLibs: false for a script of argocd-cm unless it is set.
func RunHealthScript(script string, obj map[string]any, useOpenLibs bool) (Status, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: !useOpenLibs})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.OsLibName, openSafeOs},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return Status{}, fmt.Errorf("opening the Lua library %q: %w", lib.name, err)
		}
	}
	l.PreloadModule(lua.OsLibName, safeOsLoader)

	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	l.SetContext(ctx)

	l.SetGlobal("actionParams", l.CreateTable(0, 0))
	l.SetGlobal("obj", decodeHealthObject(l, obj))

	fn, err := l.LoadString(script)
	if err == nil {
		l.Push(fn)
		err = l.PCall(0, lua.MultRet, nil)
	}
	if err != nil {
		var apiErr *lua.ApiError
		if errors.As(err, &apiErr) && apiErr.Type == lua.ApiErrorRun {
			apiErr.StackTrace = ""
		}
		return Status{}, err
	}

	ret := l.Get(-1)
	switch ret.Type() {
	case lua.LTNil:
		return Status{}, nil
	case lua.LTTable:
	default:
		return Status{}, fmt.Errorf("expect table output from Lua script, not %s", ret.Type())
	}
	data, err := encodeJSON(ret)
	if err != nil {
		return Status{}, err
	}
	var st Status
	if err := json.Unmarshal(data, &st); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Value == "array" && typeErr.Type == reflect.TypeFor[Status]() {
			// An empty table encodes as [].
			return Status{}, nil
		}
		return Status{}, err
	}
	switch st.Status {
	case Healthy, Progressing, Degraded, Suspended, Missing, Unknown:
		return st, nil
	}
	return Status{Status: Unknown, Message: invalidHealthStatus}, nil
}

// decodeHealthObject converts the object like decodeValue, without the metadata no health script
// reads: managedFields and the last-applied-configuration annotation.
func decodeHealthObject(l *lua.LState, obj map[string]any) lua.LValue {
	tbl := l.CreateTable(0, len(obj))
	for k, v := range obj {
		if md, ok := v.(map[string]any); ok && k == "metadata" {
			mt := l.CreateTable(0, len(md))
			for mk, mv := range md {
				if mk == "managedFields" {
					continue
				}
				if annotations, ok := mv.(map[string]any); ok && mk == "annotations" {
					at := l.CreateTable(0, len(annotations))
					for ak, av := range annotations {
						if ak != lastAppliedAnnotation {
							at.RawSetH(lua.LString(ak), decodeValue(l, av))
						}
					}
					mt.RawSetH(lua.LString(mk), at)
					continue
				}
				mt.RawSetH(lua.LString(mk), decodeValue(l, mv))
			}
			tbl.RawSetH(lua.LString(k), mt)
			continue
		}
		tbl.RawSetH(lua.LString(k), decodeValue(l, v))
	}
	return tbl
}

// decodeValue converts a value of an unstructured object to Lua as Argo CD does: the Go types of
// JSON, plus int, int32 and int64; json.Number becomes a string, any other type nil.
func decodeValue(l *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case json.Number:
		return lua.LString(v)
	case int:
		return lua.LNumber(v)
	case int32:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case []any:
		arr := l.CreateTable(len(v), 0)
		for _, item := range v {
			arr.Append(decodeValue(l, item))
		}
		return arr
	case map[string]any:
		tbl := l.CreateTable(0, len(v))
		for k, item := range v {
			tbl.RawSetH(lua.LString(k), decodeValue(l, item))
		}
		return tbl
	}
	return lua.LNil
}

// encodeJSON encodes a Lua value like layeh.com/gopher-json's Encode, which Argo CD uses on the
// table a script returns: an empty table is [], a table keyed 1..n an array, a table keyed by
// strings an object; mixed or sparse keys, functions and cycles are errors.
func encodeJSON(v lua.LValue) ([]byte, error) {
	g, err := luaToGo(v, map[*lua.LTable]bool{})
	if err != nil {
		return nil, err
	}
	return json.Marshal(g)
}

func luaToGo(v lua.LValue, visited map[*lua.LTable]bool) (any, error) {
	switch v := v.(type) {
	case lua.LBool:
		return bool(v), nil
	case lua.LNumber:
		f := float64(v)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("cannot encode the number %v to JSON", f)
		}
		return f, nil
	case lua.LString:
		return string(v), nil
	case *lua.LNilType:
		return nil, nil
	case *lua.LTable:
		if visited[v] {
			return nil, errors.New("cannot encode recursively nested tables to JSON")
		}
		visited[v] = true
		defer delete(visited, v)
		key, value := v.Next(lua.LNil)
		switch key.Type() {
		case lua.LTNil:
			return []any{}, nil
		case lua.LTNumber:
			var arr []any
			for expected := lua.LNumber(1); key != lua.LNil; expected++ {
				if key.Type() != lua.LTNumber {
					return nil, errors.New("cannot encode mixed or invalid key types")
				}
				if key != expected {
					return nil, errors.New("cannot encode sparse array")
				}
				item, err := luaToGo(value, visited)
				if err != nil {
					return nil, err
				}
				arr = append(arr, item)
				key, value = v.Next(key)
			}
			return arr, nil
		case lua.LTString:
			obj := map[string]any{}
			for key != lua.LNil {
				if key.Type() != lua.LTString {
					return nil, errors.New("cannot encode mixed or invalid key types")
				}
				item, err := luaToGo(value, visited)
				if err != nil {
					return nil, err
				}
				obj[key.String()] = item
				key, value = v.Next(key)
			}
			return obj, nil
		}
		return nil, errors.New("cannot encode mixed or invalid key types")
	}
	return nil, fmt.Errorf("cannot encode %s to JSON", v.Type())
}

// openSafeOs is Argo CD's opener of its safe os library. It registers the functions under the
// name of the table library, already loaded by then, so it changes nothing; it is kept so that
// the environment is the one Argo CD builds.
func openSafeOs(l *lua.LState) int {
	l.Push(l.RegisterModule(lua.TabLibName, safeOsFuncs))
	return 1
}

// safeOsLoader answers require("os") in the mode without standard libraries.
func safeOsLoader(l *lua.LState) int {
	l.Push(l.SetFuncs(l.NewTable(), safeOsFuncs))
	return 1
}

// safeOsFuncs are the two functions of Argo CD's safe os library.
var safeOsFuncs = map[string]lua.LGFunction{
	"time": osTime,
	"date": osDate,
}

func osTime(l *lua.LState) int {
	if l.GetTop() == 0 {
		l.Push(lua.LNumber(time.Now().Unix()))
		return 1
	}
	tbl := l.CheckTable(1)
	field := func(name string, def int) int {
		if n, ok := tbl.RawGetString(name).(lua.LNumber); ok {
			return int(n)
		}
		return def
	}
	t := time.Date(field("year", -1), time.Month(field("month", -1)), field("day", -1),
		field("hour", 12), field("min", 0), field("sec", 0), 0, time.Local)
	l.Push(lua.LNumber(t.Unix()))
	return 1
}

// osDate supports os.date(), os.date(format[, time]) with the strftime directives Argo CD knows,
// and the "*t" form.
func osDate(l *lua.LState) int {
	t := time.Now()
	format := "%c"
	if l.GetTop() >= 1 {
		format = l.CheckString(1)
		if strings.HasPrefix(format, "!") {
			t = t.UTC()
			format = strings.TrimLeft(format, "!")
		}
		if l.GetTop() >= 2 {
			t = time.Unix(l.CheckInt64(2), 0)
		}
		if strings.HasPrefix(format, "*t") {
			tbl := l.NewTable()
			for _, f := range []struct {
				name  string
				value int
			}{
				{"year", t.Year()}, {"month", int(t.Month())}, {"day", t.Day()}, {"hour", t.Hour()},
				{"min", t.Minute()}, {"sec", t.Second()}, {"wday", int(t.Weekday()) + 1}, {"yday", 0},
			} {
				tbl.RawSetString(f.name, lua.LNumber(f.value))
			}
			tbl.RawSetString("isdst", lua.LFalse)
			l.Push(tbl)
			return 1
		}
	}
	l.Push(lua.LString(strftime(t, format)))
	return 1
}

var strftimeLayouts = map[byte]string{
	'a': "Mon", 'A': "Monday", 'b': "Jan", 'B': "January", 'c': "02 Jan 06 15:04 MST", 'd': "02",
	'F': "2006-01-02", 'H': "15", 'I': "03", 'm': "01", 'M': "04", 'p': "PM", 'P': "pm", 'S': "05",
	'x': "15/04/05", 'X': "15:04:05", 'y': "06", 'Y': "2006", 'z': "-0700", 'Z': "MST",
}

func strftime(t time.Time, format string) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i == len(format)-1 {
			b.WriteByte(c)
			continue
		}
		i++
		d := format[i]
		switch layout, ok := strftimeLayouts[d]; {
		case ok:
			b.WriteString(t.Format(layout))
		case d == 'w':
			fmt.Fprint(&b, int(t.Weekday()))
		case d == '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(d)
		}
	}
	return b.String()
}
