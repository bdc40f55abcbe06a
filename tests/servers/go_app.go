// rs/cors's Handler with the options of one row of options.json (CORS_OPTIONS,
// JSON in cors.Options' own field names), in front of one route that answers
// every method.
package main

import (
	"encoding/json"
	"net/http"
	"os"

	"github.com/rs/cors"
)

func main() {
	var options cors.Options
	if err := json.Unmarshal([]byte(os.Getenv("CORS_OPTIONS")), &options); err != nil {
		panic(err)
	}
	route := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Route", "hit")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("ok"))
	})
	http.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), cors.New(options).Handler(route))
}
