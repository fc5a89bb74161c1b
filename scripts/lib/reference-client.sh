#!/usr/bin/env bash
# A client written against the reference's documented HTTP contract (shared/reference/REFERENCE-LATEST.md): every
# route of it this service serves, the fields a reference client reads, and the statuses it expects. curl + python3
# only. Usage: reference-client.sh BASE_URL (e.g. http://127.0.0.1:8000). Prints "ok"/"FAIL" per check and
# "N passed, N failed"; exits non-zero on any failure. Run by scripts/check-contract.sh against the offline engine.
set -uo pipefail
base=${1:?usage: reference-client.sh BASE_URL}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
body="$tmp/body"

# req METHOD PATH [JSON] -> $status, body in $body
req() {
  local data=()
  [ $# -ge 3 ] && data=(-H 'Content-Type: application/json' --data "$3")
  status=$(curl -s -o "$body" -w '%{http_code}' -X "$1" "${data[@]}" "$base$2")
}

# check NAME EXPECTED_STATUS [PYTHON_EXPR over d = the JSON body] — the expression must be true
check() {
  local name=$1 want=$2 expr=${3:-True}
  if [ "$status" != "$want" ]; then
    echo "FAIL $name: status $status, expected $want: $(head -c 300 "$body")"; failed=$((failed + 1)); return
  fi
  if python3 - "$body" "$expr" <<'PY' 2>"$tmp/py.err"; then
import json, sys
raw = open(sys.argv[1], encoding="utf-8").read()
try:
    d = json.loads(raw)
except ValueError:
    d = None
sys.exit(0 if eval(sys.argv[2], {"d": d, "raw": raw, "json": json}) else 1)
PY
    echo "ok   $name"; passed=$((passed + 1))
  else
    echo "FAIL $name: $expr does not hold on $(head -c 300 "$body") $(tail -1 "$tmp/py.err")"; failed=$((failed + 1))
  fi
}

field() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[k]
print(v)' "$body" "$1"; }

problem='isinstance(d.get("error"), str) and isinstance(d.get("detail"), str) and d["error"] == d["detail"]'

# ---- root, health, status, docs (§8)
req GET /health;            check "GET /health" 200 'd["status"] == "healthy" and "version" in d and d["database"] is True and isinstance(d["providers"]["google"], bool) and isinstance(d["providers"]["openrouter"], bool)'
req GET /health/deep;       check "GET /health/deep" 200 'd["status"] in ("healthy", "degraded") and isinstance(d["database"], bool) and "providers" in d'
req POST /health;           check "POST /health is 405" 405
req GET /api/v1/status;     check "GET /api/v1/status" 200 'd["api_version"] == "v1" and {"app_version", "environment", "primary_provider", "models"} <= d.keys() and {"judge", "creative", "image"} <= d["models"].keys()'
req GET /openapi.json;      check "GET /openapi.json" 200 'd["openapi"].startswith("3.") and len(d["paths"]) > 10'
for page in /docs /redoc; do
  status=$(curl -s -L -o "$body" -w '%{http_code}' "$base$page"); check "GET $page (Swagger UI / ReDoc)" 200 '"<html" in raw.lower()'
done

# ---- generation (§1, §3)
q="signing of the declaration of independence"
req POST /api/v1/timepoints/generate/sync "{\"query\": \"$q\", \"generate_image\": false, \"preset\": \"hyper\", \"unknown_key\": 1}"
check "POST /generate/sync" 200 'd["status"] == "completed" and d["query"] and d["slug"] and d["year"] == 1776 and d["has_image"] is False and isinstance(d["characters"]["characters"], list) and d["characters"]["characters"][0]["name"] and isinstance(d["dialog"], list) and d["scene"]["setting"] and d["moment"]["plot_summary"] and "image_prompt_data" in d["metadata"] and "error" in d'
id=$(field id); slug=$(field slug)

req POST /api/v1/timepoints/generate/sync '{"query": "ab"}';        check "sync with a 2-character query is 422" 422
req POST /api/v1/timepoints/generate/sync '{"generate_image": true}'; check "sync without a query is 422" 422
req POST /api/v1/timepoints/generate/sync '{"query": 42}';          check "sync with a numeric query is 422" 422

req POST /api/v1/timepoints/generate '{"query": "apollo 11 moon landing"}'
check "POST /generate" 200 'd["status"] == "processing" and d["id"] and d["message"].startswith("Generation started for")'
bg=$(field id)
for _ in $(seq 1 120); do
  req GET "/api/v1/timepoints/$bg"
  grep -qE '"status": ?"(completed|failed)"' "$body" && break
  sleep 0.5
done
check "the background timepoint completes" 200 'd["status"] == "completed" and d["year"] == 1969'

status=$(curl -s -N -o "$body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  --data '{"query": "fall of the berlin wall"}' "$base/api/v1/timepoints/generate/stream")
check "POST /generate/stream" 200 '
(lambda ev: ev[0]["event"] == "start" and ev[0]["step"] == "initialization" and ev[-1]["event"] == "done"
  and ev[-1]["step"] == "complete" and ev[-1]["progress"] == 100 and ev[-1]["data"]["saved"] is True
  and ev[-1]["data"]["status"] in ("completed", "failed") and "timepoint_id" in ev[-1]["data"]
  and all({"event", "step", "data", "progress", "error"} <= e.keys() for e in ev)
  and any(e["event"] == "step_complete" and e["step"] == "judge" for e in ev))(
  [json.loads(l[6:]) for l in raw.splitlines() if l.startswith("data: ")])'

# ---- reading (§3.2)
req GET "/api/v1/timepoints/$id?full=true";   check "GET /timepoints/{id}?full=true" 200 'd["id"] and d["characters"] is not None and d["has_image"] is False'
req GET "/api/v1/timepoints/$id";             check "GET /timepoints/{id}" 200 "d['slug'] == '$slug'"
req GET "/api/v1/timepoints/$id?full=false"
check "GET /timepoints/{id}?full=false (the summary: every key, full-only fields null)" 200 'all(k in d for k in ("id", "query", "slug", "status", "year", "has_image", "image_url", "image_base64", "text_model_used", "is_deleted", "render_type", "generation_version", "visibility", "share_url", "blob_path", "sequence_id", "created_at", "error")) and all(d[k] is None for k in ("image_prompt", "metadata", "characters", "scene", "dialog", "grounding", "moment", "image_base64")) and d["is_deleted"] is False'
req GET "/api/v1/timepoints/$id?include_image=true"
check "GET /timepoints/{id}?include_image=true (no image: image_base64 null)" 200 'd["has_image"] is False and d["image_base64"] is None'
req GET "/api/v1/timepoints/slug/$slug";      check "GET /timepoints/slug/{slug}" 200 "d['id'] == '$id'"
req GET "/api/v1/timepoints/00000000-0000-4000-8000-000000000000"
check "an unknown id is 404 with error and detail" 404 "$problem and 'not found' in d['error'].lower()"
req GET /api/v1/timepoints/not-a-uuid;        check "a non-UUID id is 404, never 422" 404 "$problem"
req GET /api/v1/timepoints/slug/no-such-slug; check "an unknown slug is 404" 404 "$problem"
req GET "/api/v1/timepoints?page=1&page_size=5"
check "GET /timepoints (list)" 200 'isinstance(d["items"], list) and d["total"] >= 3 and d["page"] == 1 and d["page_size"] == 5 and all({"id", "query", "slug", "status", "has_image"} <= i.keys() for i in d["items"])'
check "list items are summaries" 200 'all(i["characters"] is None and i["image_prompt"] is None and i["image_base64"] is None for i in d["items"])'
req GET "/api/v1/timepoints?status=completed"; check "the list filters by status" 200 'all(i["status"] == "completed" for i in d["items"])'
req GET "/api/v1/timepoints?page=0";           check "page=0 is 422" 422
req GET "/api/v1/timepoints?page_size=0";      check "page_size=0 is 422" 422
req GET "/api/v1/timepoints?page_size=101";    check "page_size=101 is 422" 422

# ---- temporal navigation (§9)
req POST "/api/v1/temporal/$id/next" '{"units": 1, "unit": "year"}'
check "POST /temporal/{id}/next" 200 "d['source_id'] == '$id' and d['target_id'] and d['source_year'] == 1776 and d['target_year'] == 1777 and d['direction'] == 'next' and d['units'] == 1 and d['unit'] == 'year' and d['message']"
next_id=$(field target_id)
req POST "/api/v1/temporal/$id/prior" '{}'
check "POST /temporal/{id}/prior with an empty body" 200 "d['direction'] == 'prior' and d['units'] == 1"
req POST "/api/v1/temporal/$id/next" '{"units": 0}';   check "units 0 is 422" 422
req POST "/api/v1/temporal/$id/next" '{"units": 366}'; check "units 366 is 422" 422
req POST "/api/v1/temporal/00000000-0000-4000-8000-000000000000/next" '{}'
check "navigation from an unknown id is 404" 404 "$problem"
req GET "/api/v1/temporal/$id/sequence"
check "GET /temporal/{id}/sequence" 200 "d['center']['id'] == '$id' and any(n['id'] == '$next_id' for n in d['next']) and all({'id', 'year', 'slug'} <= n.keys() for n in d['next'] + d['prior'])"
req GET "/api/v1/temporal/$id/sequence?limit=0"; check "sequence limit=0 is 422" 422
req GET "/api/v1/temporal/$id/sequence?limit=100"; check "sequence limit=100 is 422" 422

# ---- models (§7)
req GET /api/v1/models;           check "GET /models" 200 'isinstance(d["models"], list) and isinstance(d["total"], int) and isinstance(d["cached"], bool) and all({"id", "name", "provider", "capabilities"} <= m.keys() for m in d["models"])'
req GET /api/v1/models/free;      check "GET /models/free" 200 '{"best", "fastest", "all_free", "total", "note"} <= d.keys() and isinstance(d["all_free"], list)'
req GET /api/v1/models/providers; check "GET /models/providers (a list)" 200 'isinstance(d["providers"], list) and all({"provider", "available", "models_count", "default_text_model", "default_image_model"} <= p.keys() for p in d["providers"])'
req GET /api/v1/models/no-such/model; check "an unknown model is 404" 404 "$problem"

# ---- TDF record (§10.1)
req GET "/api/v1/timepoints/$id/tdf"
check "GET /timepoints/{id}/tdf" 200 "d['id'] == '$id' and d['source'] == 'flash' and d['provenance']['flash_id'] == '$id' and d['payload']['query'] and len(d['tdf_hash']) == 64 and 'entity_ids' in d"
req GET "/api/v1/timepoints/00000000-0000-4000-8000-000000000000/tdf"; check "the TDF of an unknown id is 404" 404 "$problem"

# ---- eval (§11)
req GET /api/v1/eval/models
check "GET /eval/models" 200 '{"verified", "google_native", "openrouter", "all"} <= d["presets"].keys() and all({"model_id", "provider", "label"} <= m.keys() for m in d["models"])'
req POST /api/v1/eval/compare "{\"query\": \"$q\", \"preset\": \"all\", \"timeout_seconds\": 60}"
check "POST /eval/compare" 200 'd["models_tested"] == len(d["results"]) >= 1 and d["success_count"] + d["failure_count"] == d["models_tested"] and 0 <= d["success_rate"] <= 100 and {"min_ms", "max_ms", "avg_ms", "median_ms", "range_ms"} <= d["latency_stats"].keys() and all({"model_id", "provider", "label", "success", "latency_ms", "output", "output_length", "output_preview", "error", "started_at", "completed_at"} <= r.keys() for r in d["results"]) and isinstance(d["ranking"], list)'
req POST /api/v1/eval/compare/report "{\"query\": \"$q\", \"timeout_seconds\": 60}"
check "POST /eval/compare/report" 200 'isinstance(d["report"], str) and all(len(l) <= 70 for l in d["report"].splitlines()) and "results" in d["comparison"]'
req POST /api/v1/eval/compare "{\"query\": \"$q\", \"timeout_seconds\": 9}"; check "eval timeout_seconds 9 is 422" 422
req POST /api/v1/eval/compare "{\"query\": \"$q\", \"preset\": \"bogus\"}"; check "an unknown eval preset is 422" 422

# ---- delete (§3.8): soft by default, ?permanent=true for good
req DELETE "/api/v1/timepoints/$bg"; check "DELETE /timepoints/{id} (soft)" 200 "d['id'] == '$bg' and d['deleted'] is True and d['message'] == 'Timepoint $bg soft-deleted'"
req GET "/api/v1/timepoints/$bg";    check "a soft-deleted timepoint is 404" 404 "$problem"
req GET "/api/v1/timepoints?page_size=100"; check "a soft-deleted timepoint is not listed" 200 "all(i['id'] != '$bg' for i in d['items'])"
req DELETE "/api/v1/timepoints/$bg"; check "a repeated soft delete is 200" 200 "d['deleted'] is True"
req DELETE "/api/v1/timepoints/$bg?permanent=true"; check "DELETE ?permanent=true" 200 "d['message'] == 'Timepoint $bg permanently deleted'"
req DELETE "/api/v1/timepoints/$bg?permanent=true"; check "then it is gone: 404" 404 "$problem"
req DELETE "/api/v1/timepoints/00000000-0000-4000-8000-000000000000"; check "deleting an unknown id is 404" 404 "$problem"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
