// A Go integration's login with net/http: it reads the url-encoded token request form on
// standard input, posts it to <login URL>/services/oauth2/token and, on failure, prints what
// such code prints: the error (a url.Error), or the status and body of a refused login.
//
// Usage: salesforce_login LOGIN_URL TIMEOUT_SECONDS   (HTTPS_PROXY is honoured, as usual)
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	form, _ := io.ReadAll(os.Stdin)
	seconds, _ := strconv.Atoi(os.Args[2])
	client := &http.Client{Timeout: time.Duration(seconds) * time.Second}
	resp, err := client.Post(os.Args[1]+"/services/oauth2/token",
		"application/x-www-form-urlencoded", strings.NewReader(strings.TrimSpace(string(form))))
	if err != nil {
		fmt.Fprintln(os.Stderr, "salesforce login:", err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(os.Stderr, "salesforce login: %s: %s\n", resp.Status, body)
		os.Exit(1)
	}
	fmt.Println("OK")
}
