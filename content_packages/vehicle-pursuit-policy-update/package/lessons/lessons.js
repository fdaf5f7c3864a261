/* Vehicle Pursuit Policy Update, AU 1: the policy lessons (moveOn Completed).
 * The page shown is kept in the State document "bookmark", so a relaunch opens where the
 * learner left; Finish on the last page sends completed (once per registration), terminated,
 * and returns to the portal. */
(function () {
  "use strict";

  async function run() {
    const root = document.getElementById("lessons");
    const au = await PursuitAU.start();
    const bookmark = au ? await au.state("bookmark") : {};
    const pager = Course.pages(root, {
      start: Number(bookmark.page) || 0,
      finishLabel: "Finish the lessons",
      onChange: (index) => {
        bookmark.page = index;
        if (au) au.save("bookmark", bookmark).catch(() => Course.announce("Your place could not be saved."));
      },
      onFinish: async () => {
        if (!au) return;
        if (au.normal && !bookmark.completed) {
          await au.cmi5.complete();
          bookmark.completed = true;
          bookmark.page = 0;
          await au.save("bookmark", bookmark);
        }
        Course.announce("Lessons finished. Returning to the course.");
        await au.finish();
      },
    });
    if (bookmark.page) {
      Course.announce(`Welcome back. You are on page ${pager.index() + 1} of ${pager.count()}.`);
    }
  }

  document.addEventListener("DOMContentLoaded", run);
})();
