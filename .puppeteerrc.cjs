// memlab depends on puppeteer, whose postinstall downloads Chrome. We analyse Node heaps and need
// no browser, and CI has no internet beyond the npm registry: skip the download.
module.exports = { skipDownload: true }
