// talos-check validates rendered Talos machine configs with Talos' own
// machinery (the code a node runs when it receives its config), at the Talos
// version aggrik8s pins: the documents are loaded by configloader and checked
// by Validate in metal mode (installed to disk, not in a container), as
// `talosctl validate --mode metal` does.
//
//	talos-check [-strict] FILE...
//
// Prints PASS or FAIL per file, warnings included; exits 1 when any file fails.
package main

import (
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

func check(file string, opts []validation.Option) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	cfg, err := configloader.NewFromBytes(data)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	warnings, err := cfg.Validate(metal{}, opts...)
	for _, w := range warnings {
		fmt.Printf("WARN %s: %s\n", file, w)
	}
	return err
}

func main() {
	strict := flag.Bool("strict", false, "treat warnings as errors")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: talos-check [-strict] FILE...")
		os.Exit(2)
	}
	// Local: skip the checks that need the node itself (disk presence, ...).
	opts := []validation.Option{validation.WithLocal()}
	if *strict {
		opts = append(opts, validation.WithStrict())
	}
	failed := 0
	for _, file := range flag.Args() {
		if err := check(file, opts); err != nil {
			failed++
			fmt.Printf("FAIL %s: %v\n", file, err)
			continue
		}
		fmt.Printf("PASS %s\n", file)
	}
	fmt.Printf("talos-check: %d passed, %d failed\n", flag.NArg()-failed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}
