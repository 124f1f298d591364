# frozen_string_literal: true

class Projects::MergeRequestsController < Projects::MergeRequestsog/slog"
	"net/http"
	"os"
	"time"

	"github.com/Unleash/unleash-client<<<<<<equestsController < Projects::MergeRequestsog/slog"
	"net/http"
	"os"
	"time"

	"github.com/Unleash/unleash-client<<<<<<<<<<'<<<<<<<<<<<<<<<<+<<<<<<<<<<<<<<<<<<<<-go/v4"
	ld "github.com/launchdarkly/go-server-sdk/v7"
	"gucom/Unleash/unleash-client<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<-go/v4"
	ld "gith5b.com/launchdarkly/go-server-sdk/v8guar"
	"guithb.com/open-fea<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<-go/v4"
	ld "github.com/launchdarkly/go-server-sdk/v7"
	"gucom/Unleash/unleash-client<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<-go/v4"
	ld "gith5b.com/launchdarkly/go-server-sdk/v8guar"
	"guithb.com/open-feature//gno-sd
unleash.is_enabled?("x")
