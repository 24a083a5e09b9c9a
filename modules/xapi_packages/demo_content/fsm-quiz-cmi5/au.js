// A small cmi5 assignable unit runtime written for this demo course: reads the launch
// parameters, fetches the auth-token once, reads LMS.LaunchData, and sends the cmi5
// defined statements (initialized, completed, passed or failed, terminated) to the LRS;
// in Review mode only initialized and terminated.
const CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
const MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
const SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
const MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
const VERBS = {
  initialized: "http://adlnet.gov/expapi/verbs/initialized",
  completed: "http://adlnet.gov/expapi/verbs/completed",
  passed: "http://adlnet.gov/expapi/verbs/passed",
  failed: "http://adlnet.gov/expapi/verbs/failed",
  terminated: "http://adlnet.gov/expapi/verbs/terminated",
};

function uuid() {
  return crypto.randomUUID();
}

function seconds(since) {
  return `PT${((Date.now() - since) / 1000).toFixed(2)}S`;
}

export async function start() {
  const query = new URLSearchParams(window.location.search);
  const launch = {
    endpoint: query.get("endpoint"),
    fetchUrl: query.get("fetch"),
    actor: JSON.parse(query.get("actor") || "null"),
    registration: query.get("registration"),
    activityId: query.get("activityId"),
  };
  if (!launch.endpoint || !launch.fetchUrl || !launch.actor) {
    throw new Error("This page must be launched from a lesson.");
  }
  const tokenAnswer = await (await fetch(launch.fetchUrl, { method: "POST" })).json();
  if (!tokenAnswer["auth-token"]) {
    throw new Error(tokenAnswer["error-text"] || "The course could not sign in.");
  }
  const headers = {
    Authorization: `Basic ${tokenAnswer["auth-token"]}`,
    "X-Experience-API-Version": "1.0.3",
  };
  const stateUrl = new URL("activities/state", launch.endpoint);
  stateUrl.searchParams.set("activityId", launch.activityId);
  stateUrl.searchParams.set("agent", JSON.stringify(launch.actor));
  stateUrl.searchParams.set("registration", launch.registration);
  stateUrl.searchParams.set("stateId", "LMS.LaunchData");
  const launchData = await (await fetch(stateUrl, { headers })).json();
  const began = Date.now();

  async function send(verb, result, moveOn) {
    const template = launchData.contextTemplate;
    const statement = {
      id: uuid(),
      actor: launch.actor,
      verb: { id: VERBS[verb], display: { "en-GB": verb } },
      object: { objectType: "Activity", id: launch.activityId },
      timestamp: new Date().toISOString(),
      context: {
        registration: launch.registration,
        contextActivities: {
          ...template.contextActivities,
          category: moveOn ? [{ id: CMI5 }, { id: MOVEON }] : [{ id: CMI5 }],
        },
        extensions: { ...template.extensions },
      },
    };
    if (launchData.masteryScore !== undefined && (verb === "passed" || verb === "failed")) {
      statement.context.extensions[MASTERY] = launchData.masteryScore;
    }
    if (result) {
      statement.result = result;
    }
    const response = await fetch(new URL("statements", launch.endpoint), {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify(statement),
    });
    if (!response.ok) {
      throw new Error(`The LRS refused the ${verb} statement (${response.status}).`);
    }
  }

  await send("initialized");
  // Review and Browse (cmi5 10.2.2): only initialized and terminated may be sent, so the
  // learner can look again without changing what is recorded.
  const recording = (launchData.launchMode || "Normal") === "Normal";
  const record = (verb, result) => (recording ? send(verb, result, true) : Promise.resolve());
  return {
    launchData,
    recording,
    sessionId: launchData.contextTemplate.extensions[SESSION],
    completed: () => record("completed", { completion: true, duration: seconds(began) }),
    passed: (scaled) => record("passed", { success: true, score: { scaled }, duration: seconds(began) }),
    failed: (scaled) => record("failed", { success: false, score: { scaled }, duration: seconds(began) }),
    terminate: async () => {
      await send("terminated", { duration: seconds(began) });
      if (launchData.returnURL) {
        window.location.assign(launchData.returnURL);
      }
    },
  };
}
