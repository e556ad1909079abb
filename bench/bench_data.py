"""Images per second: cdx's tensor-resident batch iterator vs torchvision's DataLoader with the equivalent transforms.

Same data (CIFAR-10 or MNIST training split from CDX_DATA), same batch size, same machine, one run.
Usage: CDX_DATA=../shared/data .venv/bin/python bench/bench_data.py [--dataset cifar10] [--batches 100] [--workers 0 2]
Writes bench/results/data_<dataset>_<device>.csv atomically and prints the table.
"""
import argparse, platform, time
import pandas as pd, torch
from torch.utils.data import DataLoader
from torchvision import datasets as tvd, transforms as T
from cdx.data import load_split, get_info, data_root
from cdx.core import default_device, atomic_write, set_threads

def time_iter(it, n):
    "Seconds to draw n batches (after one warm-up batch) and the number of images drawn."
    next(it); t0 = time.perf_counter(); imgs = 0
    for _ in range(n): x, y = next(it); imgs += len(y)
    if x.is_cuda: torch.cuda.synchronize()
    return time.perf_counter() - t0, imgs

def main(argv=None):
    p = argparse.ArgumentParser(); p.add_argument('--dataset', default='cifar10'); p.add_argument('--batches', type=int, default=100)
    p.add_argument('--bs', type=int, default=128); p.add_argument('--workers', type=int, nargs='+', default=[0, 2])
    p.add_argument('--device', default=None); a = p.parse_args(argv)
    set_threads(); info = get_info(a.dataset); dev = default_device(a.device)
    tf = [T.RandomCrop(info.img_size, padding=info.pad)] + ([T.RandomHorizontalFlip()] if info.hflip else []) + [T.ToTensor(), T.Normalize(info.mean, info.std)]
    cls = dict(cifar10=tvd.CIFAR10, mnist=tvd.MNIST, fashion_mnist=tvd.FashionMNIST)[a.dataset]
    ds = cls(str(data_root()), train=True, transform=T.Compose(tf))
    rows = []
    split = load_split(a.dataset, device=dev)
    def forever():
        g = torch.Generator(device=dev).manual_seed(0)
        while True: yield from split.batches(a.bs, shuffle=True, augment=True, generator=g)
    s, n = time_iter(forever(), a.batches)
    rows.append(dict(loader='cdx ImageSet.batches (on device)', device=str(dev), images_per_s=n / s))
    for w in a.workers:
        def dl_forever():
            while True:
                for x, y in DataLoader(ds, a.bs, shuffle=True, num_workers=w, pin_memory=dev.type == 'cuda', persistent_workers=w > 0):
                    yield x.to(dev, non_blocking=True), y.to(dev, non_blocking=True)
        s, n = time_iter(dl_forever(), a.batches)
        rows.append(dict(loader=f'torchvision DataLoader, {w} workers', device=str(dev), images_per_s=n / s))
    df = pd.DataFrame(rows); df['speedup_vs_cdx'] = df.images_per_s[0] / df.images_per_s
    df['dataset'], df['batch_size'], df['threads'], df['machine'] = a.dataset, a.bs, torch.get_num_threads(), platform.node()
    out = f'bench/results/data_{a.dataset}_{dev.type}.csv'
    atomic_write(out, lambda t: df.to_csv(t, index=False))
    print(df.to_string(index=False, float_format=lambda v: f'{v:,.1f}'))
    return df

if __name__ == '__main__': main()
