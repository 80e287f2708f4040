"""NumPy peer for `npm run bench`: the course's starter-code MLP (dense X @ W, OpenBLAS) doing the
same work as the TypeScript side, timed the same way. Prints one JSON object on stdout.

  python3 numpy_mlp.py --data DIR epoch --hidden 64            seconds for one epoch of 60 000 images
      [--activation sigmoid|improved-sigmoid|relu --init uniform|fan-in --lr 0.1 --momentum 0]
  python3 numpy_mlp.py --data DIR validation --hidden 64       seconds for one check (20 000 + 10 000)
  python3 numpy_mlp.py --data DIR evaluation --hidden 64       seconds for loss and accuracy on 60 000 + 10 000
  python3 numpy_mlp.py --data DIR workload --runs 2c,3a,...    seconds and final metrics of whole runs
"""
import argparse, json, os, resource, sys, time
import numpy as np

TRICKS = dict(activation="improved-sigmoid", init="fan-in", lr=0.02, momentum=0.9)
BASE = dict(hidden=[64], activation="sigmoid", init="uniform", lr=0.1, momentum=0.0)
RUNS = {
    "2c": {}, "3a": dict(init="fan-in"), "3b": dict(init="fan-in", activation="improved-sigmoid"),
    "3c": TRICKS, "4a": dict(TRICKS, hidden=[32]), "4b": dict(TRICKS, hidden=[128]),
    "4d": dict(TRICKS, hidden=[60, 60]), "4e": dict(TRICKS, hidden=[64] * 10),
    "4f": dict(TRICKS, hidden=[64] * 10, activation="relu"),
    "3-ind-sigmoid": dict(activation="improved-sigmoid"), "3-ind-momentum": dict(lr=0.02, momentum=0.9),
}


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    if magic == 0x803:
        n, r, c = (int.from_bytes(data[4 * i:4 * i + 4], "big") for i in (1, 2, 3))
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, r * c)
    n = int.from_bytes(data[4:8], "big")
    return np.frombuffer(data, np.uint8, offset=8)


def load(data_dir, train_size, val_size):
    xtr = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte"))
    ytr = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte"))
    xva = read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte"))[:val_size]
    yva = read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte"))[:val_size]
    mean, std = xtr.mean(), xtr.std()

    def prep(x):
        x = (x - mean) / std
        return np.concatenate([x, np.ones((x.shape[0], 1))], axis=1)

    def onehot(y):
        out = np.zeros((y.shape[0], 10))
        out[np.arange(y.shape[0]), y] = 1
        return out

    return prep(xtr[:train_size]), onehot(ytr[:train_size]), prep(xva), onehot(yva)


class Model:
    def __init__(self, hidden, activation, init):
        np.random.seed(1)
        self.activation = activation
        sizes = [785] + hidden + [10]
        self.ws = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            if init == "uniform":
                self.ws.append(np.random.uniform(-1, 1, (fan_in, fan_out)))
            else:
                self.ws.append(np.random.normal(0, 1 / np.sqrt(fan_in), (fan_in, fan_out)))

    def f(self, z):
        if self.activation == "sigmoid":
            return 1 / (1 + np.exp(-z))
        if self.activation == "improved-sigmoid":
            return 1.7159 * np.tanh(2 / 3 * z)
        return np.maximum(z, 0)

    def df(self, z, a):
        if self.activation == "sigmoid":
            return a * (1 - a)
        if self.activation == "improved-sigmoid":
            return 1.7159 * 2 / 3 * (1 - np.tanh(2 / 3 * z) ** 2)
        return (z > 0).astype(z.dtype)

    def forward(self, x):
        self.zs, self.acts = [], [x]
        a = x
        for w in self.ws[:-1]:
            z = a @ w
            a = self.f(z)
            self.zs.append(z)
            self.acts.append(a)
        z = a @ self.ws[-1]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def backward(self, out, y):
        delta = (out - y) / y.shape[0]
        grads = [None] * len(self.ws)
        for l in range(len(self.ws) - 1, -1, -1):
            grads[l] = self.acts[l].T @ delta
            if l > 0:
                delta = (delta @ self.ws[l].T) * self.df(self.zs[l - 1], self.acts[l])
        return grads


def loss(y, out):
    return -np.mean(np.sum(y * np.log(out), axis=1))


def accuracy(y, out):
    return np.mean(out.argmax(axis=1) == y.argmax(axis=1))


def train_steps(model, x, y, lr, momentum, velocity, batch=32):
    indices = list(range(len(x)))
    np.random.shuffle(indices)
    for i in range(len(x) // batch):
        b = indices[i * batch:(i + 1) * batch]
        xb, yb = x[b], y[b]
        out = model.forward(xb)
        step_loss = loss(yb, out)
        grads = model.backward(out, yb)
        for l, g in enumerate(grads):
            velocity[l] = g + momentum * velocity[l]
            model.ws[l] = model.ws[l] - lr * velocity[l]
        yield step_loss


def evaluation(model, x, y):
    out = model.forward(x)
    return loss(y, out), accuracy(y, out)


def check(model, xtr, ytr, xva, yva):
    out_val = model.forward(xva)
    return loss(yva, out_val), accuracy(yva, out_val), accuracy(ytr, model.forward(xtr))


def run(spec, data):
    cfg = dict(BASE, **spec)
    xtr, ytr, xva, yva = data
    model = Model(cfg["hidden"], cfg["activation"], cfg["init"])
    velocity = [np.zeros_like(w) for w in model.ws]
    steps_per_epoch = len(xtr) // 32
    every = steps_per_epoch // 5
    val_losses, step = [], 0
    for _ in range(50):
        for _ in train_steps(model, xtr, ytr, cfg["lr"], cfg["momentum"], velocity):
            if step % every == 0:
                val_losses.append(check(model, xtr, ytr, xva, yva)[0])
                if len(val_losses) >= 51 and val_losses[-51] == min(val_losses[-51:]):
                    step += 1
                    return model, step
            step += 1
    return model, step


def peak_rss_mb():
    """VmHWM: this process's peak resident memory since exec (ru_maxrss would include the forking parent's)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("task", choices=["epoch", "validation", "evaluation", "workload"])
    p.add_argument("--hidden", default="64")
    p.add_argument("--activation", default="sigmoid")
    p.add_argument("--init", default="uniform")
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--momentum", type=float, default=0.0)
    p.add_argument("--runs", default=",".join(RUNS))
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    hidden = [int(h) for h in a.hidden.split(",")]
    result = {}
    if a.task == "epoch":
        x, y, _, _ = load(a.data, 60000, 1)
        times = []
        for _ in range(a.repeat):
            model = Model(hidden, a.activation, a.init)
            velocity = [np.zeros_like(w) for w in model.ws]
            t = time.perf_counter()
            for _ in train_steps(model, x, y, a.lr, a.momentum, velocity):
                pass
            times.append(time.perf_counter() - t)
        result = {"seconds": min(times)}
    elif a.task == "validation":
        data = load(a.data, 20000, 10000)
        model = Model(hidden, "sigmoid", "uniform")
        times = []
        for _ in range(a.repeat):
            t = time.perf_counter()
            check(model, *data)
            times.append(time.perf_counter() - t)
        result = {"seconds": min(times)}
    elif a.task == "evaluation":
        xtr, ytr, xva, yva = load(a.data, 60000, 10000)
        model = Model(hidden, "sigmoid", "uniform")
        times = []
        for _ in range(a.repeat):
            t = time.perf_counter()
            evaluation(model, xtr, ytr)
            evaluation(model, xva, yva)
            times.append(time.perf_counter() - t)
        result = {"seconds": min(times)}
    else:
        data = load(a.data, 20000, 10000)
        t = time.perf_counter()
        runs = {}
        for rid in a.runs.split(","):
            model, steps = run(RUNS[rid], data)
            xtr, ytr, xva, yva = data
            otr, ova = model.forward(xtr), model.forward(xva)
            runs[rid] = {"steps": steps, "trainLoss": loss(ytr, otr), "valLoss": loss(yva, ova),
                         "trainAccuracy": accuracy(ytr, otr), "valAccuracy": accuracy(yva, ova)}
            print(f"[numpy] {rid} {steps} steps", file=sys.stderr, flush=True)
        result = {"seconds": time.perf_counter() - t, "runs": runs}
    result["peakRssMB"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
