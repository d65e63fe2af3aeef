// Replaces xlwings Server's example ribbon.js, which base.html loads on every page. The
// "Arbetsmarknad" tab's commands are wired in amanst.js (Office.actions.associate per button of
// addin/excel/scripts.py), next to the task pane's buttons, so both run a button the same way.
