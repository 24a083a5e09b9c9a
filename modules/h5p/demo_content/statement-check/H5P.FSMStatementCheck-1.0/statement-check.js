/*
 * H5P.FSMStatementCheck 1.0: a true-or-false statement check written for the
 * Family Safeguarding learning platform in H5P's library format.
 *
 * The learner decides whether each statement is true or false, checks, and reads
 * why. It reports through H5P's own API: an xAPI `answered` statement carrying the
 * score (triggerXAPIScored), `interacted` as answers change, and a resumable state
 * (getCurrentState / previousState). It builds its markup with DOM calls and
 * classes only (no style attributes), so it runs under a strict CSP.
 */
var H5P = H5P || {};

H5P.FSMStatementCheck = (function (EventDispatcher) {
  "use strict";

  var DEFAULT_L10N = {
    trueLabel: "True",
    falseLabel: "False",
    check: "Check my answers",
    retry: "Try again",
    correct: "Correct.",
    incorrect: "Not quite.",
    unanswered: "Answer every statement before checking.",
    result: "You got :score out of :total right.",
  };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function StatementCheck(params, contentId, extras) {
    EventDispatcher.call(this);
    params = params || {};
    this.contentId = contentId;
    this.title = params.title || "";
    this.introduction = params.introduction || "";
    this.statements = (params.statements || []).filter(function (item) {
      return item && typeof item.text === "string";
    });
    this.passPercentage = typeof params.passPercentage === "number" ? params.passPercentage : 100;
    this.l10n = Object.assign({}, DEFAULT_L10N, params.l10n || {});
    var previous = (extras && extras.previousState) || {};
    var count = this.statements.length;
    this.answers = Array.isArray(previous.answers)
      ? previous.answers.slice(0, count).map(function (value) {
          return value === true || value === false ? value : null;
        })
      : [];
    while (this.answers.length < count) {
      this.answers.push(null);
    }
    this.checked = previous.checked === true && this.answers.indexOf(null) === -1;
  }

  StatementCheck.prototype = Object.create(EventDispatcher.prototype);
  StatementCheck.prototype.constructor = StatementCheck;

  StatementCheck.prototype.attach = function ($container) {
    var self = this;
    var root = $container.get ? $container.get(0) : $container;
    root.classList.add("h5p-fsm-statement-check");
    root.textContent = "";

    if (this.title) {
      root.appendChild(element("h2", "h5p-fsm-title", this.title));
    }
    if (this.introduction) {
      root.appendChild(element("p", "h5p-fsm-intro", this.introduction));
    }

    var form = element("form", "h5p-fsm-form");
    form.noValidate = true;
    this.items = this.statements.map(function (statement, index) {
      var fieldset = element("fieldset", "h5p-fsm-statement");
      fieldset.appendChild(element("legend", "h5p-fsm-legend", statement.text));
      var choices = element("div", "h5p-fsm-choices");
      [true, false].forEach(function (value) {
        var id = "h5p-fsm-" + self.contentId + "-" + index + "-" + value;
        var wrapper = element("div", "h5p-fsm-choice");
        var input = element("input");
        input.type = "radio";
        input.name = "statement-" + index;
        input.id = id;
        input.value = String(value);
        input.checked = self.answers[index] === value;
        input.addEventListener("change", function () {
          self.answers[index] = value;
          self.triggerXAPI("interacted");
        });
        var label = element("label", "h5p-fsm-label", value ? self.l10n.trueLabel : self.l10n.falseLabel);
        label.htmlFor = id;
        wrapper.appendChild(input);
        wrapper.appendChild(label);
        choices.appendChild(wrapper);
      });
      fieldset.appendChild(choices);
      var feedback = element("p", "h5p-fsm-feedback");
      feedback.hidden = true;
      fieldset.appendChild(feedback);
      form.appendChild(fieldset);
      return { fieldset: fieldset, feedback: feedback };
    });

    this.status = element("p", "h5p-fsm-status");
    this.status.setAttribute("role", "status");
    this.checkButton = element("button", "h5p-fsm-button", this.l10n.check);
    this.checkButton.type = "submit";
    this.retryButton = element("button", "h5p-fsm-button h5p-fsm-button--secondary", this.l10n.retry);
    this.retryButton.type = "button";
    this.retryButton.hidden = true;
    var actions = element("div", "h5p-fsm-actions");
    actions.appendChild(this.checkButton);
    actions.appendChild(this.retryButton);
    form.appendChild(actions);
    form.appendChild(this.status);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.check();
    });
    this.retryButton.addEventListener("click", function () {
      self.resetTask();
      var first = form.querySelector("input");
      if (first) {
        first.focus();
      }
    });

    root.appendChild(form);
    this.form = form;
    if (this.checked) {
      this.showFeedback();
    }
    this.trigger("resize");
  };

  StatementCheck.prototype.getScore = function () {
    var statements = this.statements;
    return this.answers.reduce(function (score, answer, index) {
      return score + (answer === Boolean(statements[index].correct) ? 1 : 0);
    }, 0);
  };

  StatementCheck.prototype.getMaxScore = function () {
    return this.statements.length;
  };

  StatementCheck.prototype.getAnswerGiven = function () {
    return this.answers.indexOf(null) === -1;
  };

  StatementCheck.prototype.passed = function () {
    var max = this.getMaxScore();
    return max === 0 || (100 * this.getScore()) / max >= this.passPercentage;
  };

  StatementCheck.prototype.check = function () {
    if (!this.getAnswerGiven()) {
      this.status.textContent = this.l10n.unanswered;
      this.trigger("resize");
      return;
    }
    this.checked = true;
    this.showFeedback();
    var event = this.createXAPIEventTemplate("answered");
    var definition = event.getVerifiedStatementValue(["object", "definition"]);
    definition.name = { "en-US": this.title || "Statement check" };
    definition.description = { "en-US": this.introduction || this.title || "Statement check" };
    definition.type = "http://adlnet.gov/expapi/activities/cmi.interaction";
    definition.interactionType = "other";
    event.setScoredResult(this.getScore(), this.getMaxScore(), this, true, this.passed());
    event.data.statement.result.response = this.answers.map(String).join("[,]");
    this.trigger(event);
  };

  StatementCheck.prototype.showFeedback = function () {
    var self = this;
    this.items.forEach(function (item, index) {
      var statement = self.statements[index];
      var right = self.answers[index] === Boolean(statement.correct);
      item.fieldset.classList.toggle("h5p-fsm-statement--correct", right);
      item.fieldset.classList.toggle("h5p-fsm-statement--incorrect", !right);
      item.feedback.textContent =
        (right ? self.l10n.correct : self.l10n.incorrect) + " " + (statement.feedback || "");
      item.feedback.hidden = false;
      item.fieldset.querySelectorAll("input").forEach(function (input) {
        input.disabled = true;
      });
    });
    this.status.textContent = this.l10n.result
      .replace(":score", String(this.getScore()))
      .replace(":total", String(this.getMaxScore()));
    this.checkButton.hidden = true;
    this.retryButton.hidden = false;
    this.trigger("resize");
  };

  StatementCheck.prototype.showSolutions = function () {
    this.showFeedback();
  };

  StatementCheck.prototype.resetTask = function () {
    this.checked = false;
    this.answers = this.answers.map(function () {
      return null;
    });
    if (!this.form) {
      return;
    }
    this.items.forEach(function (item) {
      item.fieldset.classList.remove("h5p-fsm-statement--correct", "h5p-fsm-statement--incorrect");
      item.feedback.hidden = true;
      item.feedback.textContent = "";
      item.fieldset.querySelectorAll("input").forEach(function (input) {
        input.disabled = false;
        input.checked = false;
      });
    });
    this.status.textContent = "";
    this.checkButton.hidden = false;
    this.retryButton.hidden = true;
    this.trigger("resize");
  };

  StatementCheck.prototype.getCurrentState = function () {
    return { answers: this.answers.slice(), checked: this.checked };
  };

  return StatementCheck;
})(H5P.EventDispatcher);
