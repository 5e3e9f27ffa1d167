// talos-check validates rendered Talos machine configs with Talos' own
// machinery (the code a node runs when it receives its config), at the Talos
// version aggrik8s pins: the documents are loaded by configloader and checked
// by Validate in metal mode (installed to disk, not in a container), as
// `talosctl validate --mode metal` does.
//
//	talos-check [-strict] [-labels] FILE...
//
// Prints PASS or FAIL per file, warnings included; exits 1 when any file fails.
// With -labels, each file that passes is followed by a line
// `LABELS FILE {json}`: the node labels Talos reads from the config
// (machine.nodeLabels, which it keeps on the Node object).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/siderolabs/talos/pkg/machinery/config/configloader"
	"github.com/siderolabs/talos/pkg/machinery/config/validation"
)

// metal is the runtime mode of a Talos node installed on a (virtual) machine's
// disk; machinery leaves the implementations to machined, so it is spelled here.
type metal struct{}

func (metal) String() string        { return "metal" }
func (metal) RequiresInstall() bool { return true }
func (metal) InContainer() bool     { return false }

func check(file string, opts []validation.Option) (map[string]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	cfg, err := configloader.NewFromBytes(data)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	warnings, err := cfg.Validate(metal{}, opts...)
	for _, w := range warnings {
		fmt.Printf("WARN %s: %s\n", file, w)
	}
	if err != nil {
		return nil, err
	}
	labels := map[string]string{}
	if cfg.Machine() != nil {
		for k, v := range cfg.Machine().NodeLabels() {
			labels[k] = v
		}
	}
	return labels, nil
}

func main() {
	strict := flag.Bool("strict", false, "treat warnings as errors")
	printLabels := flag.Bool("labels", false, "print the node labels of each file that passes")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: talos-check [-strict] [-labels] FILE...")
		os.Exit(2)
	}
	// Local: skip the checks that need the node itself (disk presence, ...).
	opts := []validation.Option{validation.WithLocal()}
	if *strict {
		opts = append(opts, validation.WithStrict())
	}
	failed := 0
	for _, file := range flag.Args() {
		labels, err := check(file, opts)
		if err != nil {
			failed++
			fmt.Printf("FAIL %s: %v\n", file, err)
			continue
		}
		fmt.Printf("PASS %s\n", file)
		if *printLabels {
			text, err := json.Marshal(labels)
			if err != nil {
				failed++
				fmt.Printf("FAIL %s: labels: %v\n", file, err)
				continue
			}
			fmt.Printf("LABELS %s %s\n", file, text)
		}
	}
	fmt.Printf("talos-check: %d passed, %d failed\n", flag.NArg()-failed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}
