"""Classic nbdev 2 setup.py: reads settings.ini (no pkg_resources)."""
from configparser import ConfigParser
from pathlib import Path
import shutil
import setuptools
from setuptools.command.build_py import build_py

cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']

expected = ('version description keywords author author_email license min_python lib_name user '
            'git_url status').split()
missing = [o for o in expected if o not in cfg]
assert not missing, f'settings.ini is missing: {missing}'

licenses = {'apache2': 'Apache-2.0'}   # an SPDX expression (license classifiers are deprecated)
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable',
            '6 - Mature', '7 - Inactive']
py_versions = '3.10 3.11 3.12 3.13'.split()
lic = licenses[cfg['license'].lower()]
min_python = cfg['min_python']
requirements = cfg.get('requirements', '').split()
dev_requirements = cfg.get('dev_requirements', '').split()
dask_requirements = cfg.get('dask_requirements', '').split()
console_scripts = [s.strip() for s in cfg.get('console_scripts', '').split() if s.strip()]


REPRO_FILES = ('*.ipynb', '*.csv')   # the notebooks and the data they read (paper_results.csv); MANIFEST.in lists the same
SHIPPED = {'teachers': ('*',), 'guides': ('*.pt', 'guides.json')}   # data/<name>/ → cdx/<name>/ (not the guides' work/); MANIFEST.in lists the same


class build_py_with_notebooks(build_py):
    "Ship the reproduction notebooks (nbs/repro) and their data inside the package as cdx/repro_nbs, and the shipped teachers and guides as cdx/teachers and cdx/guides, so cdx_repro runs from a wheel."
    def run(self):
        super().run()
        dst = Path(self.build_lib)/cfg['lib_path']/'repro_nbs'
        dst.mkdir(parents=True, exist_ok=True)
        for f in sorted(f for pat in REPRO_FILES for f in Path('nbs/repro').glob(pat)): shutil.copy(f, dst/f.name)
        for name, files in SHIPPED.items():   # teachers and guides made once (md5-checked): a wheel never remakes them
            if not Path('data', name).is_dir(): continue
            tdst = Path(self.build_lib)/cfg['lib_path']/name; tdst.mkdir(parents=True, exist_ok=True)
            for f in sorted(f for pat in files for f in Path('data', name).glob(pat)): shutil.copy(f, tdst/f.name)


setuptools.setup(
    cmdclass={'build_py': build_py_with_notebooks},
    name=cfg.get('dist_name', cfg['lib_name']),   # the import name stays `cdx`; the PyPI name `cdx` belongs to another project
    version=cfg['version'],
    license=lic,
    license_files=['LICENSE'],
    classifiers=['Development Status :: ' + statuses[int(cfg['status']) - 1],   # status 3: '3 - Alpha'
                 'Intended Audience :: ' + cfg['audience'].title(),
                 'Natural Language :: ' + cfg['language'].title()]
                + ['Programming Language :: Python :: ' + o for o in py_versions[py_versions.index(min_python):]],
    url=cfg['git_url'] or None,                  # empty while no public repository is known
    packages=setuptools.find_packages(include=['cdx', 'cdx.*']),
    include_package_data=True,
    install_requires=requirements,
    extras_require={'dev': dev_requirements, 'dask': dask_requirements},
    python_requires='>=' + min_python,
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    zip_safe=False,
    entry_points={'console_scripts': console_scripts, 'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    author=cfg['author'], author_email=cfg['author_email'] or None,
    description=cfg['description'], keywords=cfg['keywords'],
)
