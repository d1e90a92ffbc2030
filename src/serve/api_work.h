#pragma once
// The chair-side app's photo work (issue 21): uploads, consultations, follow-up visits, chart
// calibrations, the rooms' profiles and the reports. Each handler checks its input, calls the same
// library function as the CLI command it names (cli/consult.h, cli/followup.h, cli/calibrate.h) and
// returns that command's --json, plus the few things a page needs beside it (the report's address,
// swatch colours). Files live under the data folder with names the server chooses:
//   uploads/<upload_id>.<jpg|png|tif>, reports/<client>-<date>-<random>.html and .png (the overlay),
//   profiles/<room>.pb/.icc, clients/<client>/<date>-<consultation|visit>-<upload_id>.<ext> (the
//   photos kept with the client's record)
#include <string>

#include "serve/api.h"

namespace shadecast::serve {

// POST /api/uploads, the photo's bytes as the body. Checked from the header before anything is
// decoded: a JPEG, PNG or TIFF (else 415) of at most store::kMaxImagePixels pixels (else 413).
ApiResult ApiUpload(AppContext& app, const std::string& body);
// POST /api/consultations {"client_id", "upload_id", "profile": room | "chart_in_frame": true,
// "sessions", "start", "interval_days"} = `consult --json` + "report_url", "overlay_url" (the photo
// with the detected follicles), "swatches".
ApiResult ApiConsult(AppContext& app, const std::string& body);
// POST /api/visits {"client_id", "upload_id", "profile" | "chart_in_frame", "date"}
// = {"visit": `visit add --json`, "forecast": `forecast --client --json`}.
ApiResult ApiVisit(AppContext& app, const std::string& body);
// POST /api/forecasts/{client_id} {"draws", "years"} = `forecast --client ID --json`.
ApiResult ApiForecast(AppContext& app, const std::string& id, const std::string& body);
// POST /api/calibrations {"upload_id", "room", "camera", "illuminant", "force"}
// = `calibrate --json`, the profile saved as the room's.
ApiResult ApiCalibrate(AppContext& app, const std::string& body);
// POST /api/profiles/{room}/check {"upload_id"} = `profile check --profile ROOM.pb --image PHOTO --json`:
// the drift since calibration and whether to recalibrate.
ApiResult ApiCheckProfile(AppContext& app, const std::string& room, const std::string& body);
// GET /api/profiles: the rooms' profiles (room, camera, created, model, leave-one-out mean, verdict).
ApiResult ApiProfiles(AppContext& app);

// GET /api/pigments = `pigment list --json` (the ink library the recipes use).
ApiResult ApiPigments(AppContext& app);
// GET /api/settings, PUT /api/settings {"clinic_name"}: the app's settings (pb::AppSettings in
// <data-dir>/settings.textproto); the clinic name is printed on consultation reports.
ApiResult ApiSettings(AppContext& app);
ApiResult ApiPutSettings(AppContext& app, const std::string& body);
// The clinic name for reports ("" when not set).
std::string ClinicName(const AppContext& app);

// POST /api/jobs/forecast-all {"draws"}: `forecast --client ID` for every client, in the background
// (202 {"job_id"}); the result {"forecast": N, "skipped": [{"client_id", "error"}]}.
ApiResult ApiForecastAll(AppContext& app, const std::string& body);
// POST /api/imports?format=textproto|json|csv, the history file as the body: `import FILE` in the
// background (202 {"job_id"}); the result is `import --json`'s.
ApiResult ApiImport(AppContext& app, const std::string& format, const std::string& body);
// GET /api/jobs/{id}: {"state", "done", "total", "result" | "error"}.
ApiResult ApiJob(AppContext& app, const std::string& id);

// GET /api/clients/{id}/photos: the photos of the client's consultations and visits
// ({"photos": [{"name", "date", "kind": "consultation"|"visit", "url"}]}, oldest first).
ApiResult ApiClientPhotos(AppContext& app, const std::string& id);
// The client's files (photos, their uploads, reports and overlays) removed with the client (DELETE
// /api/clients/{id}); returns how many files went.
int EraseClientFiles(const AppContext& app, const std::string& id);
// A client's photo for GET /photos/{client}/{name}; empty when not one the server wrote.
std::string PhotoPath(const AppContext& app, const std::string& client, const std::string& name);

// The report file for GET /reports/{name}; empty when the name is not one the server wrote.
std::string ReportPath(const AppContext& app, const std::string& name);

}  // namespace shadecast::serve
