#!/usr/bin/python3
"""Builds the real-world DICOM/NIfTI corpus (scripts/build-corpus.sh calls this with Debian's python3).

Files are written by other software than qmri: pydicom writes the uncompressed bases, DCMTK
(dcmconv, dcmcjpeg, dcmcjpls, dcmcrle, img2dcm) and GDCM (gdcmconv) transcode them into every
transfer syntax, nibabel writes NIfTI-1/2. Each file's reference pixels come from the writer's own
decode: DCMTK's dcmdjpeg/dcmdjpls/dcmdrle/dcmconv for DCMTK files, `gdcmconv --raw` for GDCM files,
pydicom/nibabel for theirs, then read by pydicom/nibabel. They are stored as NAME.ref (float64,
little endian: every stored sample, frame-major, samples interleaved; NIfTI: scaled voxels, x
fastest). corpus.json lists every file with its writer, transfer syntax, shape and the outcome
qmri is expected to give ('decode', or 'unsupported' for a clear refusal).

Usage: corpus.py OUT [SOURCE_DIR]   (SOURCE_DIR: a folder of real MRI JPEG slices; else a phantom)
"""
import glob
import json
import os
import shutil
import subprocess
import sys

import nibabel as nib
import numpy as np
import pydicom
from pydicom.dataset import FileDataset, FileMetaDataset, Dataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

OUT = sys.argv[1]
SRC = sys.argv[2] if len(sys.argv) > 2 else ''
TMP = os.path.join(OUT, '.tmp')
MR = '1.2.840.10008.5.1.4.1.1.4'
ENHANCED_MR = '1.2.840.10008.5.1.4.1.1.4.1'
entries = []


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def source_slice():
    """A real slice (first JPEG of SOURCE_DIR, via img2dcm + dcmdjpeg) or a phantom, uint8 ≤ 256 px."""
    jpgs = sorted(glob.glob(os.path.join(SRC, '**', '*.jp*g'), recursive=True)) if SRC else []
    if jpgs:
        run('img2dcm', jpgs[0], os.path.join(TMP, 'src.dcm'))
        run('dcmdjpeg', os.path.join(TMP, 'src.dcm'), os.path.join(TMP, 'src-raw.dcm'))
        shutil.copy(os.path.join(TMP, 'src.dcm'), os.path.join(OUT, 'real-jpeg-img2dcm.dcm'))
        ref_from(os.path.join(TMP, 'src-raw.dcm'), 'real-jpeg-img2dcm.dcm', 'dcmtk img2dcm (the source JPEG as is)')
        a = pydicom.dcmread(os.path.join(TMP, 'src-raw.dcm')).pixel_array.astype(np.float64)
        if a.ndim == 3:
            a = a.mean(axis=2)
        step = max(1, int(np.ceil(max(a.shape) / 256)))
        return a[::step, ::step].round().astype(np.uint8), 'real: ' + os.path.relpath(jpgs[0], SRC)
    y, x = np.mgrid[0:192, 0:160]
    head = ((x - 80) / 70) ** 2 + ((y - 96) / 85) ** 2 < 1
    tumor = ((x - 100) / 18) ** 2 + ((y - 70) / 14) ** 2 < 1
    img = head * (90 + 40 * np.sin(x / 9.0) * np.cos(y / 13.0)) + tumor * 100
    return np.clip(img, 0, 255).astype(np.uint8), 'phantom'


def mr_dataset(pix, bits, stored, signed=False, photometric='MONOCHROME2', sop=MR, planar=None):
    """An MR image dataset (explicit VR little endian) around pix: (rows, cols[, 3]) or (frames, ...)."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(None, {}, file_meta=meta, preamble=b'\0' * 128)
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = sop
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = 'MR'
    ds.PatientID = 'CORPUS-0001'
    ds.PatientName = 'Corpus^Phantom'
    spp = 3 if photometric in ('RGB', 'YBR_FULL') else 1
    multi = pix.ndim == (4 if spp == 3 else 3)
    if multi:
        ds.NumberOfFrames = pix.shape[0]
    rows, cols = pix.shape[1:3] if multi else pix.shape[0:2]
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel = spp
    ds.PhotometricInterpretation = photometric
    if spp == 3:
        ds.PlanarConfiguration = planar or 0
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = bits, stored, stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    dtype = {8: 'i1' if signed else 'u1', 16: '<i2' if signed else '<u2', 32: '<i4' if signed else '<u4'}
    arr = pix.astype(dtype[bits])
    if spp == 3 and planar == 1:  # colour-by-plane: R plane, G plane, B plane per frame
        arr = np.moveaxis(arr, -1, -3)
    ds.PixelData = arr.tobytes()
    return ds


def compact(arr):
    """The smallest little-endian dtype that holds every value of arr exactly."""
    if arr.dtype.kind in 'iu':
        lo, hi = int(arr.min()), int(arr.max())
        for dt, a, b in [('u1', 0, 255), ('<u2', 0, 65535), ('<i2', -32768, 32767), ('<i4', -2**31, 2**31 - 1)]:
            if a <= lo and hi <= b:
                return dt
    return '<f8'


def ref_from(decoded_path, name, writer, expect='decode', note=''):
    """Reference pixels of corpus file NAME from a decoded (uncompressed) file: its pydicom pixel_array."""
    ds = pydicom.dcmread(decoded_path)
    arr = ds.pixel_array
    orig = pydicom.dcmread(os.path.join(OUT, name), stop_before_pixels=True)
    ref_dtype = compact(arr)
    arr.astype(ref_dtype).tofile(os.path.join(OUT, name + '.ref'))
    entries.append({
        'file': name, 'kind': 'dicom', 'writer': writer, 'expect': expect, 'note': note,
        'transferSyntax': str(orig.file_meta.TransferSyntaxUID),
        'frames': int(getattr(ds, 'NumberOfFrames', 1) or 1), 'rows': int(ds.Rows), 'cols': int(ds.Columns),
        'samplesPerPixel': int(ds.SamplesPerPixel), 'photometric': str(ds.PhotometricInterpretation),
        'bitsAllocated': int(ds.BitsAllocated), 'refDtype': ref_dtype, 'lossy': str(getattr(orig, 'LossyImageCompression', '00')) == '01',
    })


def refuse(name, writer, reason):
    orig = pydicom.dcmread(os.path.join(OUT, name), stop_before_pixels=True)
    entries.append({'file': name, 'kind': 'dicom', 'writer': writer, 'expect': 'unsupported', 'note': reason,
                    'transferSyntax': str(orig.file_meta.TransferSyntaxUID)})


def save_base(name, ds, writer='pydicom', expect='decode', note=''):
    ds.save_as(os.path.join(OUT, name), write_like_original=False)
    if expect == 'decode':
        ref_from(os.path.join(OUT, name), name, writer, note=note)
    else:
        refuse(name, writer, note)


DCMTK = {  # name suffix: (encode command, writer's own decode command)
    'implicit-le': (['dcmconv', '+ti'], ['dcmconv', '+te']),
    'big-endian': (['dcmconv', '+tb'], ['dcmconv', '+te']),
    'deflated': (['dcmconv', '+td'], ['dcmconv', '+te']),
    'jpeg-baseline': (['dcmcjpeg', '+eb'], ['dcmdjpeg']),
    'jpeg-extended-12bit': (['dcmcjpeg', '+ee'], ['dcmdjpeg']),
    'jpeg-lossless-sv1': (['dcmcjpeg', '+e1'], ['dcmdjpeg']),
    'jpeg-lossless': (['dcmcjpeg', '+el'], ['dcmdjpeg']),
    'jpegls-lossless': (['dcmcjpls', '+el'], ['dcmdjpls']),
    'jpegls-near-lossless': (['dcmcjpls', '+en'], ['dcmdjpls']),
    'rle': (['dcmcrle'], ['dcmdrle']),
}
GDCM = {
    'jpeg2000': ['-K'],
    'jpeg2000-lossy': ['-K', '-Y', '-q', '40'],
    'jpegls': ['-L'],
    'jpeg-lossless': ['-J'],
    'jpeg-lossy': ['-J', '-Y', '-q', '90'],
    'rle': ['-R'],
    'deflated': ['-d'],
}


def transcode(base, stem, dcmtk=(), gdcm=(), unsupported=None):
    unsupported = unsupported or {}
    for key in dcmtk:
        enc, dec = DCMTK[key]
        name = f'{stem}-dcmtk-{key}.dcm'
        run(*enc, base, os.path.join(OUT, name))
        if key in unsupported:
            refuse(name, 'dcmtk ' + enc[0], unsupported[key])
            continue
        run(*dec, os.path.join(OUT, name), os.path.join(TMP, name))
        ref_from(os.path.join(TMP, name), name, 'dcmtk ' + ' '.join(enc))
    for key in gdcm:
        name = f'{stem}-gdcm-{key}.dcm'
        run('gdcmconv', *GDCM[key], base, os.path.join(OUT, name))
        run('gdcmconv', '--raw', os.path.join(OUT, name), os.path.join(TMP, name))
        ref_from(os.path.join(TMP, name), name, 'gdcm gdcmconv ' + ' '.join(GDCM[key]))


def dicom_corpus(s8):
    s12 = s8.astype(np.uint16) * 16 + (np.arange(s8.size).reshape(s8.shape) * 7 % 16).astype(np.uint16)
    b16 = os.path.join(OUT, 'mr12-pydicom-explicit-le.dcm')
    save_base('mr12-pydicom-explicit-le.dcm', mr_dataset(s12, 16, 12))
    transcode(b16, 'mr12', dcmtk=[k for k in DCMTK if k != 'jpeg-baseline'],
              gdcm=[k for k in GDCM if k != 'jpeg-lossy'],
              unsupported={'jpeg-extended-12bit': '12-bit lossy JPEG: no maintained JavaScript decoder'})
    b8 = os.path.join(OUT, 'mr8-pydicom-explicit-le.dcm')
    save_base('mr8-pydicom-explicit-le.dcm', mr_dataset(s8, 8, 8))
    transcode(b8, 'mr8', dcmtk=['jpeg-baseline', 'jpeg-lossless-sv1', 'jpegls-lossless', 'rle'],
              gdcm=['jpeg-lossy', 'jpeg2000'])
    # multi-frame: five frames (intensity ramps), uncompressed and in four compressions
    frames = np.stack([(s12 * (0.6 + 0.1 * k)).astype(np.uint16) for k in range(5)])
    bmf = os.path.join(OUT, 'mf5-pydicom-explicit-le.dcm')
    save_base('mf5-pydicom-explicit-le.dcm', mr_dataset(frames, 16, 12))
    transcode(bmf, 'mf5', dcmtk=['rle', 'jpegls-lossless', 'jpeg-lossless-sv1'], gdcm=['jpeg2000'])
    # enhanced MR: multi-frame, rescale in the shared functional groups
    enh = mr_dataset(frames[:3], 16, 12, sop=ENHANCED_MR)
    pvt = Dataset()
    pvt.RescaleSlope, pvt.RescaleIntercept, pvt.RescaleType = 2, -100, 'US'
    shared = Dataset()
    shared.PixelValueTransformationSequence = Sequence([pvt])
    voi = Dataset()
    voi.WindowCenter, voi.WindowWidth = 3000, 6000
    shared.FrameVOILUTSequence = Sequence([voi])
    enh.SharedFunctionalGroupsSequence = Sequence([shared])
    enh.PerFrameFunctionalGroupsSequence = Sequence([Dataset() for _ in range(3)])
    benh = os.path.join(OUT, 'enhanced-mr3-pydicom-explicit-le.dcm')
    save_base('enhanced-mr3-pydicom-explicit-le.dcm', enh, note='rescale in SharedFunctionalGroupsSequence')
    transcode(benh, 'enhanced-mr3', gdcm=['jpeg2000'])
    # odd bit depths and photometric interpretations
    signed = s12.astype(np.int32) - 2048
    save_base('signed12-pydicom.dcm', mr_dataset(signed, 16, 12, signed=True))
    transcode(os.path.join(OUT, 'signed12-pydicom.dcm'), 'signed12', dcmtk=['jpegls-lossless', 'rle'], gdcm=['jpeg2000'])
    save_base('u32-pydicom.dcm', mr_dataset(s12.astype(np.uint32) * 40000, 32, 32))
    save_base('mono1-pydicom.dcm', mr_dataset(s12, 16, 12, photometric='MONOCHROME1'))
    rgb = np.stack([s8, (s8 * 0.8).astype(np.uint8), (255 - s8)], axis=-1)
    save_base('rgb-pydicom.dcm', mr_dataset(rgb, 8, 8, photometric='RGB', planar=0))
    save_base('rgb-planar-pydicom.dcm', mr_dataset(rgb, 8, 8, photometric='RGB', planar=1))
    transcode(os.path.join(OUT, 'rgb-pydicom.dcm'), 'rgb', dcmtk=['rle'])
    pal = mr_dataset(s8, 8, 8, photometric='PALETTE COLOR')
    save_base('palette-pydicom.dcm', pal, expect='unsupported', note='PALETTE COLOR (colour lookup tables)')
    one = mr_dataset(s8, 8, 8)
    one.BitsAllocated, one.BitsStored, one.HighBit = 1, 1, 0
    one.PixelData = np.packbits(s8 > 100, bitorder='little').tobytes()
    save_base('bits1-pydicom.dcm', one, expect='unsupported', note='BitsAllocated 1 (overlay-like bitmap)')


def npm_samples():
    """DICOM files shipped by npm packages (jpeg-lossless-decoder-js), reference decode by DCMTK."""
    here = os.path.dirname(os.path.abspath(__file__))
    for path in sorted(glob.glob(os.path.join(here, '..', 'node_modules', 'jpeg-lossless-decoder-js', 'tests', 'data', '*.dcm'))):
        name = 'npm-jpeg-lossless-decoder-js-' + os.path.basename(path)
        shutil.copy(path, os.path.join(OUT, name))
        try:
            run('dcmdjpeg', path, os.path.join(TMP, name))
        except subprocess.CalledProcessError as e:
            refuse(name, 'npm sample (DCMTK cannot decode it either)', e.stderr.decode()[:80])
            continue
        ref_from(os.path.join(TMP, name), name, 'npm sample, reference dcmdjpeg')


def nifti_corpus(s8):
    base = np.stack([np.flipud(s8).T.astype(np.float64) * (1 + 0.05 * k) for k in range(5)], axis=-1)
    aff = np.diag([0.9, 0.9, 3.0, 1.0])

    def save(name, img, expect='decode', note=''):
        nib.save(img, os.path.join(OUT, name))
        e = {'file': name, 'kind': 'nifti', 'writer': 'nibabel ' + nib.__version__, 'expect': expect, 'note': note,
             'datatype': str(img.get_data_dtype()), 'shape': list(img.shape)}
        if expect == 'decode':
            back = nib.load(os.path.join(OUT, name))
            back.get_fdata().astype('<f8').ravel(order='F').tofile(os.path.join(OUT, name + '.ref'))
            e['refDtype'] = '<f8'
        entries.append(e)

    for dt in ['uint8', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64']:
        data = base.astype(dt) if dt != 'int8' else (base / 2).astype(dt)
        img = nib.Nifti1Image(data, aff, dtype=dt)
        save(f'nifti1-{dt}.nii', img)
    for dt in ['int16', 'float32']:
        img = nib.Nifti1Image(base.astype(dt), aff)
        save(f'nifti1-{dt}.nii.gz', img)
    sc = nib.Nifti1Image(base.astype(np.int16), aff)
    sc.header.set_slope_inter(2.5, -10)
    save('nifti1-int16-scaled.nii', sc, note='scl_slope 2.5, scl_inter -10')
    t = np.deg2rad(20)
    rot = np.array([[np.cos(t), -np.sin(t), 0, 0], [np.sin(t), np.cos(t), 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    save('nifti1-float32-oblique.nii', nib.Nifti1Image(base.astype(np.float32), rot @ aff), note='20° oblique affine')
    be = nib.Nifti1Image(base.astype('>i2'), aff)
    be.header.set_data_dtype('>i2')
    save('nifti1-int16-big-endian.nii', be)
    for ext in ['.nii', '.nii.gz']:
        save('nifti2-int16' + ext, nib.Nifti2Image(base.astype(np.int16), aff))
    save('nifti2-float64.nii', nib.Nifti2Image(base.astype(np.float64), aff))
    save('nifti1-complex64.nii', nib.Nifti1Image(base.astype(np.complex64), aff), expect='unsupported',
         note='complex voxels')
    rgb = np.zeros(base.shape, dtype=[('R', 'u1'), ('G', 'u1'), ('B', 'u1')])
    rgb['R'] = base.astype(np.uint8)
    save('nifti1-rgb24.nii', nib.Nifti1Image(rgb, aff), expect='unsupported', note='RGB24 voxels')


def main():
    os.makedirs(TMP, exist_ok=True)
    s8, source = source_slice()
    dicom_corpus(s8)
    npm_samples()
    nifti_corpus(s8)
    shutil.rmtree(TMP)
    with open(os.path.join(OUT, 'corpus.json'), 'w') as f:
        json.dump({'source': source, 'tools': tool_versions(), 'entries': entries}, f, indent=1)
    print(f'corpus: {len(entries)} files in {OUT} (source slice: {source})')


def tool_versions():
    def first(cmd):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True).stdout
            return (out.strip().splitlines() or [''])[0][:80]
        except OSError:
            return 'missing'
    return {'dcmtk': first(['dcmconv', '--version']), 'gdcm': first(['gdcmconv', '--version']),
            'pydicom': pydicom.__version__, 'nibabel': nib.__version__, 'numpy': np.__version__}


if __name__ == '__main__':
    main()
