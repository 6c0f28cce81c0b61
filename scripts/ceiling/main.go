// Command ceiling is the load benchmark's yardstick: a bare Fiber handler per path that
// answers fixed bytes (recorded from the real endpoint) and nothing else. What it
// reaches on this machine, with wrk sharing the cores, is the most any endpoint of the
// help center could reach; scripts/bench.sh reports each endpoint as a fraction of it.
//
//	go run ./scripts/ceiling -addr 127.0.0.1:9099 /slug=article.json /list=list.json
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/gofiber/fiber/v2"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9099", "listen address")
	flag.Parse()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	for _, arg := range flag.Args() {
		path, file, ok := strings.Cut(arg, "=")
		if !ok {
			log.Fatalf("argument %q: want /path=file", arg)
		}
		body, err := os.ReadFile(file)
		if err != nil {
			log.Fatal(err)
		}
		app.Get(path, func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
			return c.Send(body)
		})
	}
	fmt.Fprintln(os.Stderr, "ceiling listening on", *addr)
	log.Fatal(app.Listen(*addr))
}
